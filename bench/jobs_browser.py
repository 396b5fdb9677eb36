"""Acceptance run: a background compute at 10,000 employees, followed in a real browser.

`.venv/bin/python bench/jobs_browser.py [--employees 10000] [--tasks db|rq]` on SQLite (a
throwaway folder, or KINERJA_VAR_DIR to keep the prepared database) or with
`DATABASE_URL=postgres://…` (shares bench/results.py's prepared `bench-res-N` cycle).

The closed cycle of bench/results.py (a synthetic agency, every form answered) and an HR admin of
that agency; then the project served by gunicorn with the chosen task backend and its worker in
processes of their own: `kinerja db_worker` (the embedded queue, `--tasks db`) or
`kinerja rqworker default` against the Redis on 127.0.0.1:6379 (`--tasks rq`). Chromium (Playwright,
Debian's binary) signs in, opens the cycle's results page and clicks "Hitung hasil" (or "Hitung
ulang hasil"); the job's page polls by itself (htmx every 2 s) and the run reads its progress bar
every 0.2 s until the job ends, then follows "Lihat hasilnya". Prints every distinct bar state it
saw with its time, and checks: the bar showed the job before its end (queued or running) and then
done at 100 %, the link leads to the computed results, and one result per employee is stored."""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "DATABASE_URL" not in os.environ and "KINERJA_VAR_DIR" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--tasks", choices=("db", "rq"), default="db")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


ARGS = parse()
os.environ["KINERJA_TASKS"] = ARGS.tasks
os.environ["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")

# bench/results.py sets Django up and owns the prepared cycle.
from results import prepared_cycle  # noqa: E402

from kinerja.core.models import Membership  # noqa: E402
from kinerja.jobs.models import Job  # noqa: E402
from kinerja.organisation.models import Employee  # noqa: E402
from kinerja.results.models import EmployeeResult  # noqa: E402

HOST = "127.0.0.1"
USERNAME, PASSWORD = "bench-jobs-admin", "bench-jobs-sandi-1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def admin_of(agency) -> None:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.filter(user=user).delete()
    Membership.objects.create(user=user, agency=agency, role=Membership.Role.ADMIN)


def spawn(cmd: list[str], log: Path) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kinerja.settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with log.open("ab") as out:
        return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_for(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within 60 s")


def bar(page) -> tuple[str, str, str]:
    progress = page.get_by_test_id("job-progress")
    state = progress.get_attribute("data-state") or ""
    percent = page.get_by_role("progressbar").get_attribute("aria-valuenow") or ""
    return state, percent, progress.inner_text().split("\n")[0][:60]


def follow(base: str, cycle_pk: int) -> list[tuple[float, tuple[str, str, str]]]:
    from playwright.sync_api import expect, sync_playwright

    seen: list[tuple[float, tuple[str, str, str]]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(base_url=base, locale="id-ID")
        page.set_default_timeout(30_000)
        page.goto("/akun/login/")
        page.get_by_label("Nama pengguna").fill(USERNAME)
        page.get_by_label("Sandi", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/")
        page.goto(f"/hasil/instansi/{cycle_pk}/")
        page.get_by_role("button", name=re.compile(r"^Hitung (ulang )?hasil$")).click()
        start = time.perf_counter()
        page.wait_for_url("**/pekerjaan/*/")
        while True:
            now = bar(page)
            if not seen or seen[-1][1] != now:
                seen.append((time.perf_counter() - start, now))
            if now[0] in ("selesai", "gagal", "dibatalkan"):
                break
            if time.perf_counter() - start > 900:
                raise RuntimeError("the job did not end within 15 minutes")
            page.wait_for_timeout(200)
        if now[0] == "selesai":
            page.get_by_role("link", name="Lihat hasilnya").click()
            expect(page.get_by_test_id("results-status")).to_have_text("Dihitung (belum final)")
        browser.close()
    return seen


def main() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    cycle = prepared_cycle(ARGS.employees, ARGS.seed)
    admin_of(cycle.agency)
    employees = Employee.objects.filter(agency=cycle.agency).count()
    work = Path(tempfile.mkdtemp(prefix="kinerja-jobs-browser-"))
    port = free_port()
    server = spawn(
        [sys.executable, "-m", "gunicorn", "kinerja.wsgi:application", "--bind", f"{HOST}:{port}"]
        + ["--workers", "2", "--timeout", "120", "--log-level", "warning"],
        work / "gunicorn.log",
    )
    kinerja = str(Path(sys.executable).with_name("kinerja"))
    worker_cmd = (
        [kinerja, "db_worker", "--no-startup-delay", "--interval", "0.5"]
        if ARGS.tasks == "db"
        else [kinerja, "rqworker", "default"]
    )
    worker = spawn(worker_cmd, work / "worker.log")
    try:
        wait_for(f"http://{HOST}:{port}/akun/login/", server, work / "gunicorn.log")
        print(
            f"Kinerja background compute in the browser · {connection.vendor} · tasks {ARGS.tasks}"
            f" ({' '.join(worker_cmd[1:])}) · {employees:,} employees"
        )
        seen = follow(f"http://{HOST}:{port}", cycle.pk)
    finally:
        for proc in (server, worker):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    for at, (state, percent, text) in seen:
        print(f"  {at:6.1f} s   {state:<10} {percent:>3} %   {text}")
    job = Job.objects.filter(agency=cycle.agency).order_by("-pk").first()
    stored = EmployeeResult.objects.filter(cycle=cycle).count()
    if job is not None and job.started_at and job.finished_at:
        run = (job.finished_at - job.started_at).total_seconds()
        print(f"  the job ran {run:.1f} s in the worker: {job.message}")
    before_end = [s for _, s in seen if s[0] in ("antri", "berjalan")]
    moved = len({s[1] for _, s in seen}) >= 2
    checks = {
        "the bar showed the job before its end": bool(before_end) and moved,
        "it ended done at 100 %": bool(seen) and seen[-1][1][:2] == ("selesai", "100"),
        "one result per employee stored": stored == employees,
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        print(f"  logs in {work}")
        sys.exit(1)


if __name__ == "__main__":
    main()
