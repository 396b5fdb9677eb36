"""Benchmark: PostgreSQL restarted while raters submit forms. Requests in flight must end in a
clean 503 (the Indonesian page, or the API's JSON error shape) or succeed, the service must answer
again by itself once PostgreSQL is back, and no acknowledged submission may be lost or doubled.

`.venv/bin/python bench/pg_restart.py` (one command; about a minute). Uses the scratch database
of `--database-url` (default postgres://postgres@127.0.0.1:5432/kinerja_pg_restart, created when
missing) and restarts the local cluster ONCE with `pg_ctlcluster --skip-systemctl-redirect
<version> main restart`: every other client of that cluster loses its connections for a few
seconds, so the script says so on a line of its own just before.

Reuses bench/throughput.py: a synthetic agency with a running cycle, one API token per rater,
gunicorn (--workers, default 3) on 127.0.0.1 with the project's settings. --clients threads each
take their own forms and do what a rater's client does: PUT the draft, POST the submit; on a 503
they wait and send the same request again (bounded). Every third step is a GET of the rater's
"Penilaian saya" page with a signed-in session, so the HTML side is loaded too. After --before
seconds PostgreSQL restarts; the load goes on for --after seconds once it is back. Then:
- every answer was 2xx or a clean 503 (no 500, no traceback, no dropped connection);
- the time from PostgreSQL accepting connections again to the first 2xx that used the database;
- every form whose submit got a 2xx is stored as submitted exactly once (one response, one submit
  audit event), and the audit chain is intact."""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinerja_pg_restart"
MAX_RETRIES = 200  # per request, 0.25 s apart: a client gives up after ~50 s

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
parser.add_argument("--database-url", default=os.environ.get("KINERJA_PG_RESTART_URL", DEFAULT_URL))
parser.add_argument("--employees", type=int, default=200)
parser.add_argument("--workers", type=int, default=3)
parser.add_argument("--clients", type=int, default=8)
parser.add_argument("--before", type=float, default=5, help="seconds of load before the restart")
parser.add_argument("--after", type=float, default=8, help="seconds of load once it is back")
parser.add_argument("--recover-within", type=float, default=10, help="seconds allowed")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument(
    "--no-restart", action="store_true", help="the same load, PostgreSQL left alone"
)
args = parser.parse_args()

if not args.database_url.startswith(("postgres://", "postgresql://")):
    sys.exit("--database-url must be a PostgreSQL database")
server_url, _, db_name = args.database_url.rpartition("/")
exists = subprocess.run(
    [
        "psql",
        f"{server_url}/postgres",
        "-Atc",
        f"SELECT 1 FROM pg_database WHERE datname='{db_name}'",
    ],
    capture_output=True,
    text=True,
    check=True,
).stdout.strip()
if not exists:
    subprocess.run(
        ["psql", f"{server_url}/postgres", "-qc", f'CREATE DATABASE "{db_name}"'], check=True
    )
os.environ["DATABASE_URL"] = args.database_url
os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-pgrestart-")
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import throughput as tp  # noqa: E402  (sets Django up with the environment above)
from kinerja.assessment.models import Acknowledgement, RaterAssignment, Response  # noqa: E402
from kinerja.core.audit import audit_verify  # noqa: E402
from kinerja.core.models import AuditEvent  # noqa: E402
from kinerja.organisation.models import Employee  # noqa: E402

PAGE_503 = "Layanan sementara tidak tersedia"


class Log:
    """Every answer, classified, with the time it came back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, int, str]] = []  # (time, kind, status, verdict)
        self.bad: list[str] = []
        self.acknowledged: set[int] = set()  # assignments whose submit got a 2xx
        self.repeated_after_503: set[int] = set()  # submits answered 409 after a retried 503

    def add(self, kind: str, status: int, verdict: str, detail: str = "") -> None:
        with self.lock:
            self.rows.append((time.monotonic(), kind, status, verdict))
            if verdict == "bad":
                self.bad.append(f"{kind} {status} {detail[:200]}")


def classify(kind: str, status: int, headers: dict[str, str], body: bytes) -> str:
    if 200 <= status < 400:
        return "ok"
    text = body.decode("utf-8", "replace")
    if "Traceback" in text or status == 500:
        return "bad"
    if status == 503 and headers.get("retry-after"):
        if kind == "page":
            return (
                "503"
                if PAGE_503 in text and "text/html" in headers.get("content-type", "")
                else "bad"
            )
        try:
            return "503" if json.loads(text)["error"]["code"] == "database_unavailable" else "bad"
        except (ValueError, KeyError, TypeError):
            return "bad"
    if kind == "submit" and status == 409:
        return "conflict"  # already submitted: the earlier try went through (checked later)
    return "bad"


def client_loop(forms, tokens, bodies, cookie, page_url, port, stop, log: Log) -> None:
    conn = http.client.HTTPConnection(tp.HOST, port, timeout=30)

    def call(kind: str, method: str, path: str, headers: dict[str, str], body=None):
        for _attempt in range(MAX_RETRIES):
            if stop.is_set() and kind != "submit":
                return None
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
            except OSError as error:  # a dropped connection is not a clean answer
                conn.close()
                log.add(kind, 0, "bad", repr(error))
                time.sleep(0.25)
                continue
            heads = {k.lower(): v for k, v in resp.getheaders()}
            verdict = classify(kind, resp.status, heads, payload)
            log.add(kind, resp.status, verdict, payload.decode("utf-8", "replace"))
            if verdict == "503":
                time.sleep(0.25)  # what a person does after the 503 page: wait, send again
                continue
            return resp.status, verdict, payload
        return None

    for step, pk in enumerate(forms):
        if stop.is_set():
            break
        auth = {"Authorization": f"Bearer {tokens[pk]}"}
        if step % 3 == 0:
            call("page", "GET", page_url, {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})
        draft = call(
            "draft", "PUT", f"/api/v1/assignments/{pk}/draft",
            auth | {"Content-Type": "application/json"}, bodies[pk],
        )  # fmt: skip
        if draft is None or draft[1] != "ok":
            continue
        # A submit once started is seen through, so every form ends acknowledged or refused.
        submit = call("submit", "POST", f"/api/v1/assignments/{pk}/submit", auth, b"")
        if submit is not None and submit[1] == "ok":
            with log.lock:
                log.acknowledged.add(pk)
        elif submit is not None and submit[1] == "conflict":
            with log.lock:
                log.repeated_after_503.add(pk)
    conn.close()


def postgres_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: int(v.split(".")[0]))
    return versions[-1]


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-d", args.database_url]).returncode == 0


def main() -> None:
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    agency, cycle, token_of, bodies = tp.setup(args.employees, args.seed)
    ids = sorted(token_of)
    random.Random(args.seed).shuffle(ids)
    raters = list(
        Employee.objects.filter(
            pk__in=RaterAssignment.objects.filter(cycle=cycle).values("rater_id")
        ).select_related("user")
    )
    # Every rater has read the cycle's purpose (a form is refused before that).
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(agency=agency, cycle=cycle, user=e.user) for e in raters],
        ignore_conflicts=True,
    )
    # One signed-in session per client, made in this process like a sign-in would leave it.
    raters = raters[: args.clients]
    cookies = []
    for employee in raters:
        browser = Client()
        browser.force_login(employee.user)
        cookies.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    page_url = reverse("assessment:my_tasks")
    setup_s = time.monotonic() - started
    connection.close()  # this process holds no connection across the restart

    version = postgres_version()
    print(
        f"Kinerja: PostgreSQL {version} restarted under load · gunicorn {args.workers} sync "
        f"workers · {args.clients} clients · {len(ids):,} forms of {args.employees:,} employees "
        f"(setup {setup_s:.1f} s)",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="kinerja-pgrestart-log-"))
    log_file = work / "gunicorn.log"
    port = tp.free_port()
    proc = tp.start_server(port, args.workers, "sync", log_file)
    log = Log()
    stop = threading.Event()
    shares = [ids[i :: args.clients] for i in range(args.clients)]
    threads = [
        threading.Thread(
            target=client_loop,
            args=(
                shares[i],
                token_of,
                bodies,
                cookies[i % len(cookies)],
                page_url,
                port,
                stop,
                log,
            ),
        )
        for i in range(args.clients)
    ]
    try:
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.before)
        t_restart = time.monotonic()
        # pg_ctlcluster returns a while after the server accepts connections again: a poller
        # tells when PostgreSQL was really down and back.
        down_up: list[float] = []
        polling = threading.Event()

        def poll() -> None:
            while not polling.is_set():
                ready = pg_ready()
                if not down_up and not ready:
                    down_up.append(time.monotonic())
                elif len(down_up) == 1 and ready:
                    down_up.append(time.monotonic())
                    return
                time.sleep(0.02)

        poller = threading.Thread(target=poll)
        poller.start()
        if not args.no_restart:
            print(
                f"!! restarting PostgreSQL {version}/main now (pg_ctlcluster restart): every client "
                "of this cluster loses its connections for a few seconds",
                flush=True,
            )
            restart = subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                capture_output=True,
                text=True,
            )
            if restart.returncode != 0:
                print(f"pg_ctlcluster failed: {restart.stderr.strip()}", flush=True)
        t_returned = time.monotonic()
        while not pg_ready():
            time.sleep(0.05)
        polling.set()
        poller.join()
        t_down = down_up[0] if down_up else t_restart
        t_back = down_up[1] if len(down_up) == 2 else time.monotonic()
        print(
            f"   pg_ctlcluster took {t_returned - t_restart:.1f} s; PostgreSQL refused connections "
            f"for {t_back - t_down:.1f} s (from {t_down - t_restart:.1f} s to "
            f"{t_back - t_restart:.1f} s after the restart began)",
            flush=True,
        )
        time.sleep(args.after)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        t_end = time.monotonic()
    finally:
        stop.set()
        tp.stop_server(proc)
    server_log = log_file.read_text() if log_file.exists() else ""

    rows = log.rows
    statuses = Counter(str(status) for _, _, status, _ in rows)
    during = [r for r in rows if t_restart <= r[0] <= t_returned]
    last_503 = max((r[0] for r in rows if r[3] == "503"), default=None)
    clean_503 = sum(1 for r in rows if r[3] == "503")
    first_ok = min(
        (r[0] for r in rows if r[0] > t_back and r[3] == "ok" and r[1] != "ping"), default=None
    )
    recovered = None if first_ok is None else first_ok - t_back
    by_kind = Counter((r[1], r[3]) for r in rows)

    # Every acknowledged submission: stored as submitted exactly once.
    submitted = dict(
        Response.objects.filter(assignment__cycle=cycle, submitted_at__isnull=False).values_list(
            "assignment_id", "version"
        )
    )
    events = Counter(
        int(x)
        for x in AuditEvent.objects.filter(
            agency=agency, action="response.submit", object_type="assessment.raterassignment"
        ).values_list("object_id", flat=True)
    )
    rows_per_form = Counter(
        Response.objects.filter(assignment__cycle=cycle).values_list("assignment_id", flat=True)
    )
    lost = [pk for pk in log.acknowledged if pk not in submitted]
    doubled = [pk for pk in submitted if events[pk] != 1 or rows_per_form[pk] != 1]
    unacknowledged = [pk for pk in submitted if pk not in log.acknowledged]
    broken = audit_verify(agency=agency)
    connection.close()

    print(
        f"requests: {len(rows):,} in {t_end - t0:.1f} s; statuses {dict(sorted(statuses.items()))}"
    )
    print("  by kind: " + ", ".join(f"{k} {v}: {n}" for (k, v), n in sorted(by_kind.items())))
    print(
        f"  during the restart (until pg_ctlcluster returned): {len(during)} answers, "
        f"{sum(1 for r in during if r[3] == '503')} clean 503"
        + (f"; the last 503 {last_503 - t_back:+.2f} s from PostgreSQL back" if last_503 else "")
    )
    print(
        f"  clean 503 in all: {clean_503}; unclean (500, traceback, dropped connection): {len(log.bad)}"
    )
    for line in log.bad[:5]:
        print(f"    {line}")
    ok_recover = recovered is not None and recovered <= args.recover_within
    print(
        "recovery: first 2xx using the database "
        + (f"{recovered:.2f} s after PostgreSQL was back" if recovered is not None else "NEVER")
        + ("" if ok_recover else f"  FAILED (allowed {args.recover_within:.0f} s)")
    )
    print(
        f"submissions: {len(log.acknowledged):,} acknowledged (2xx), {len(submitted):,} stored as "
        f"submitted; lost {len(lost)}, stored more than once {len(doubled)}, stored but answered "
        f"503 then 409 on the retry {len(log.repeated_after_503)} (of {len(unacknowledged)} stored "
        f"without a 2xx); audit chain {'intact' if not broken else f'BROKEN at {len(broken)}'}"
    )
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        kinds = Counter(
            x for x in server_log.splitlines() if x and not x[0].isspace() and "Error" in x
        )
        print(f"server log: {tracebacks} tracebacks logged, most common last lines:")
        for text, n in kinds.most_common(3):
            print(f"  {n:5d}  {text[:160]}")
    failed = bool(log.bad or lost or doubled or broken or not ok_recover)
    print(f"verdict: {'FAILED' if failed else 'OK'} ({time.monotonic() - started:.0f} s in all)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
