"""Shared by the load benchmarks (throughput.py, load.py, pg_restart.py): a synthetic agency with a
running cycle and a sign-in for every rater, and the project served by gunicorn on the loopback.

Import it after `django.setup()` (each bench script sets its environment up first)."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kinerja.assessment import services
from kinerja.assessment.models import Acknowledgement, Cycle, RaterAssignment
from kinerja.core.models import Agency, AuditChain, AuditEvent, Membership
from kinerja.demo.synthetic import generate_agency
from kinerja.organisation.models import Employee

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


# --- setup (in this process, through the services) ----------------------------------------------


def running_cycle(agency: Agency, name: str, *, days: int) -> Cycle:
    """A cycle of 2026 over the whole agency, its raters generated, started; due in `days`."""
    cycle = services.cycle_create(
        agency=agency,
        acting_user=None,
        name=name,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=days),
    )
    services.assignments_generate(cycle=cycle, acting_user=None)
    return services.cycle_start(cycle=cycle, acting_user=None)


def reset(code: str, user_prefix: str) -> None:
    """Removes what an earlier run left in a persistent database (cycles first: they protect the
    employees they rate). The bench agency's audit trail goes too, before the users: a deleted
    user leaves its events with no actor, which no longer match their hashes."""
    Cycle.objects.filter(agency__code=code).delete()
    AuditEvent.objects.filter(agency__code=code).delete()
    AuditChain.objects.filter(agency__code=code).delete()
    get_user_model().objects.filter(username__startswith=user_prefix).delete()


def agency_with_running_cycle(
    *, code: str, user_prefix: str, employees: int, seed: int, password: str | None = None
) -> tuple[Agency, Cycle, list[Employee]]:
    """A synthetic agency, a running cycle with its forms, and for every rater a user account
    (`{user_prefix}{nip}`, role pegawai) linked to the employee, who has acknowledged the cycle's
    purpose (a draft or submit is refused before that). Returns the raters, `user` loaded.

    The accounts are made in bulk: one password hash shared by all of them (`password`, or no
    usable password), since hashing one per user takes minutes at this size and is not what is
    measured."""
    reset(code, user_prefix)
    agency = generate_agency(code=code, employees=employees, seed=seed, replace=True)
    cycle = running_cycle(agency, "Bench", days=1)

    raters = list(
        Employee.objects.filter(
            pk__in=RaterAssignment.objects.filter(cycle=cycle).values("rater_id")
        ).order_by("pk")
    )
    user_model = get_user_model()
    hashed = make_password(password)  # an unusable password when None
    with transaction.atomic():
        user_model.objects.bulk_create(
            user_model(username=f"{user_prefix}{e.nip}", first_name=e.name[:150], password=hashed)
            for e in raters
        )
        by_name = {
            u.username: u for u in user_model.objects.filter(username__startswith=user_prefix)
        }
        Membership.objects.bulk_create(
            Membership(user=u, agency=agency, role=Membership.Role.EMPLOYEE)
            for u in by_name.values()
        )
        for e in raters:
            e.user = by_name[f"{user_prefix}{e.nip}"]
        Employee.objects.bulk_update(raters, ["user"], batch_size=1000)
        Acknowledgement.objects.bulk_create(
            [Acknowledgement(agency=agency, cycle=cycle, user=u) for u in by_name.values()],
            ignore_conflicts=True,
        )
    return agency, cycle, raters


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def start_server(
    port: int, workers: int, worker_class: str, log: Path, threads: int = 1
) -> subprocess.Popen:
    """gunicorn serving bench/bench_settings.py on the loopback; returns once it answers."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.bench_settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "gunicorn", "kinerja.wsgi:application"]
    cmd += ["--bind", f"{HOST}:{port}", "--workers", str(workers)]
    cmd += ["--worker-class", worker_class, "--timeout", "120", "--graceful-timeout", "5"]
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]
    cmd += ["--chdir", str(ROOT), "--log-level", "warning", "--backlog", "2048"]
    with log.open("ab") as out:  # Django's own error log (tracebacks of 500s) goes to stderr
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if get(port, "/bench/ping/", timeout=2) == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def server_errors(log: Path) -> list[str]:
    """The server log's tracebacks, summed up: their last lines with counts (none: empty)."""
    errors = log.read_text() if log.exists() else ""
    if "Traceback" not in errors:
        return []
    kinds = Counter(x for x in errors.splitlines() if x and not x[0].isspace() and "Error" in x)
    return ["server errors (last line of each traceback, with counts):"] + [
        f"  {n:5d}  {text[:160]}" for text, n in kinds.most_common(5)
    ]
