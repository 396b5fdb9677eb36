"""Benchmark: the rater's web flow under load with locust, against gunicorn and PostgreSQL, beside
a minimal view that writes one row in one transaction.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/kinerja_bench_load .venv/bin/python bench/load.py
[--employees 5000] [--users 50,200] [--measure 20]` (uses/clears a `bench-load` agency and its
`bench-load-*` users; without DATABASE_URL, SQLite in a throwaway folder).

Sets up a synthetic agency with a running cycle and a sign-in for every rater (bench/served.py),
serves the project with gunicorn (bench/bench_settings.py: the project's settings plus
bench/bench_urls.py) and, for each number of concurrent users, runs locust headless
(bench/locustfile.py) three times: the minimal write (`MinimalWrite`), the submit on its own
(`Submitter`: a signed-in rater posts each form complete) and the rater's flow (`RaterFlow`: sign
in through the login page, open the form, three htmx autosaves, submit, back to "Tugas saya").
Every simulated rater has its own account and forms; each form is used once. Prints requests/s and
p95 latency per request, forms/s, errors and the ratios to the minimal write, then checks the
database: every submit answered as stored is one submitted response, processed once, with one
audit event; nothing else was submitted; every audit chain of the agency verifies."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bench.served import (  # noqa: E402
    HOST,
    agency_with_running_cycle,
    free_port,
    server_errors,
    start_server,
    stop_server,
)
from kinerja.assessment import services  # noqa: E402
from kinerja.assessment.models import Cycle, RaterAssignment, Response  # noqa: E402
from kinerja.core.audit import audit_verify  # noqa: E402
from kinerja.core.models import Agency, AuditEvent  # noqa: E402
from kinerja.organisation.models import Employee  # noqa: E402

CODE = "bench-load"
USER_PREFIX = "bench-load-"
PASSWORD = "Bench-Penilai-2026"  # noqa: S105  (the bench raters' shared sign-in)
DRAFTS = 3  # autosaves per form in RaterFlow (bench/locustfile.py)
# Share of the raters each kind of run gets (the submit alone goes fastest, so it needs most).
SHARES = {"submit": 3, "flow": 2}
FLOW_ORDER = [
    "sign-in page",
    "sign in",
    "form page",
    "autosave",
    "submit",
    "my tasks (after submit)",
]


# --- setup ----------------------------------------------------------------------------------------


def write_table() -> None:
    """The minimal write's table, empty (bench/bench_urls.py inserts into it)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_write")
        key = (
            "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
        )
        cursor.execute(
            f"CREATE TABLE bench_write (id {key}, user_id BIGINT, created_at TIMESTAMP NOT NULL)"
        )


def sessions_for(users: list) -> list[tuple[str, str]]:
    """A signed-in session and a CSRF secret for each user, as the login page would leave them
    (made in bulk: signing in through the page is what RaterFlow measures, not this)."""
    store = SessionStore()
    expire = timezone.now() + dt.timedelta(days=1)
    rows, out = [], []
    for user in users:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        out.append((key, get_random_string(32)))
    Session.objects.bulk_create(rows, batch_size=1000)
    return out


def plans(
    cycle: Cycle, raters: list[Employee], levels: list[int], seed: int
) -> tuple[list[tuple[str, int, list[dict]]], int]:
    """The runs in order, each with its raters: (kind, users, raters). Raters are shuffled and
    shared out between the submit and flow runs, so no account or form is used twice."""
    forms: dict[int, list[dict]] = {}
    for a in RaterAssignment.objects.filter(cycle=cycle).select_related("ratee").order_by("pk"):
        items = [item["code"] for item in services.items_for_ratee(cycle, a.ratee)]
        forms.setdefault(a.rater_id, []).append({"id": a.pk, "items": items})
    people = [e for e in raters if e.pk in forms]
    random.Random(seed).shuffle(people)
    weights = [SHARES[kind] for _n in levels for kind in ("submit", "flow")]
    cuts, start = [], 0
    for w in weights:
        size = len(people) * w // sum(weights)
        cuts.append(people[start : start + size])
        start += size
    runs: list[tuple[str, int, list[dict]]] = []
    for i, n in enumerate(levels):
        submitters, flow = cuts[2 * i], cuts[2 * i + 1]
        writers = sessions_for([e.user for e in submitters[:n]])
        runs.append(("write", n, [{"session": s, "csrf": c, "forms": []} for s, c in writers]))
        runs.append(
            (
                "submit",
                n,
                [
                    {"session": s, "csrf": c, "forms": forms[e.pk]}
                    for e, (s, c) in zip(
                        submitters, sessions_for([e.user for e in submitters]), strict=True
                    )
                ],
            )
        )
        runs.append(
            (
                "flow",
                n,
                [
                    {
                        "username": e.user.username,
                        "password": PASSWORD,
                        "forms": [{"id": f["id"]} for f in forms[e.pk]],
                    }
                    for e in flow
                ],
            )
        )
    return runs, sum(len(f) for f in forms.values())


# --- a run ----------------------------------------------------------------------------------------

USER_CLASS = {"write": "MinimalWrite", "submit": "Submitter", "flow": "RaterFlow"}


def run_locust(
    kind: str, users: int, raters: list[dict], port: int, work: Path, measure: float, settle: float
) -> dict:
    plan = work / f"{kind}-{users}.json"
    out = work / f"{kind}-{users}-out.json"
    plan.write_text(json.dumps({"raters": raters}))
    spawn_rate = max(10, users // 2)
    # Signing in costs ~0.25 s of CPU (PBKDF2): the first flow raters' sign-ins queue up.
    limit = 120 + measure + settle + users
    cmd = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py")]
    cmd += ["--headless", "-u", str(users), "-r", str(spawn_rate), "-H", f"http://{HOST}:{port}"]
    cmd += ["--run-time", f"{int(limit)}s", "--only-summary", "--loglevel", "ERROR"]
    cmd += ["--kinerja-plan", str(plan), "--kinerja-out", str(out)]
    cmd += ["--kinerja-measure", str(measure), "--kinerja-settle", str(settle), USER_CLASS[kind]]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 60)
    if not out.exists():
        raise RuntimeError(
            f"locust wrote no figures:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return json.loads(out.read_text())


def settle_db(ids: list[int]) -> None:
    """Waits until the submits still in flight when locust stopped are done."""
    before = None
    for _ in range(60):
        now = Response.objects.filter(assignment_id__in=ids, submitted_at__isnull=False).aggregate(
            n=Count("id"), v=Sum("version")
        )
        if now == before:
            return
        before = now
        time.sleep(0.5)


def check(agency: Agency, kind: str, raters: list[dict], figures: dict) -> tuple[str, bool]:
    """Every submit answered as stored is one submitted response, processed once (its version:
    one per draft plus the submit), with one audit event; nothing else of the run's forms was
    submitted but what was still in flight."""
    ids = [f["id"] for r in raters for f in r["forms"]]
    settle_db(ids)
    ok = Counter(figures["submit_ok"])
    started = set(figures["submit_started"])
    stored = dict(
        Response.objects.filter(assignment_id__in=ids, submitted_at__isnull=False).values_list(
            "assignment_id", "version"
        )
    )
    events = Counter(
        AuditEvent.objects.filter(
            agency=agency, action="response.submit", object_id__in=[str(i) for i in ids]
        ).values_list("object_id", flat=True)
    )
    connection.close()
    version = DRAFTS + 1 if kind == "flow" else 1
    problems = []
    if twice := [i for i, n in ok.items() if n > 1]:
        problems.append(f"{len(twice)} forms answered as stored twice")
    if lost := [i for i in ok if i not in stored]:
        problems.append(f"{len(lost)} submits answered as stored but not stored")
    if unasked := [i for i in stored if i not in started]:
        problems.append(f"{len(unasked)} forms stored as submitted that no one submitted")
    if odd := [i for i, v in stored.items() if v != version]:
        problems.append(f"{len(odd)} submitted responses saved other than {version} times")
    if wrong := [i for i in stored if events[str(i)] != 1] + [
        i for i in events if int(i) not in stored
    ]:
        problems.append(f"{len(wrong)} forms without exactly one submit audit event")
    in_flight = len(stored) - len(ok)
    text = (
        f"  check: {len(ok):,} submits answered as stored, {len(stored):,} submitted responses "
        f"(+{in_flight} in flight when locust stopped), each saved {version}× with one audit "
        f"event: {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}"
    )
    return text, not problems


# --- output ---------------------------------------------------------------------------------------


def line(label: str, row: dict, seconds: float, base: float | None = None) -> str:
    ok = row["requests"] - row["failures"]
    rate = ok / seconds
    text = f"    {label:<28} {rate:8.1f} req/s  p50 {row['p50_ms']:6.0f} ms  p95 {row['p95_ms']:6.0f} ms"
    if base:
        text += f"  ratio {rate / base:5.3f}"
    return text + f"  errors {row['failures']}"


def report(kind: str, figures: dict, base: float | None) -> tuple[list[str], float]:
    seconds, rows = figures["seconds"], figures["requests"]
    errors = sum(figures["errors_whole_run"].values())
    out = []
    if kind == "write":
        row = rows.get("write", {"requests": 0, "failures": 0, "p50_ms": 0, "p95_ms": 0})
        out.append("  minimal write (POST /bench/write/, one row, one transaction):")
        out.append(line("write", row, seconds))
        rate = (row["requests"] - row["failures"]) / seconds
    elif kind == "submit":
        row = rows.get("submit", {"requests": 0, "failures": 0, "p50_ms": 0, "p95_ms": 0})
        out.append("  submit alone (POST …/kirim/ with every answer, signed in):")
        out.append(line("submit", row, seconds, base))
        rate = (row["requests"] - row["failures"]) / seconds
    else:
        forms = figures["submits_in_window"] / seconds
        total = sum(r["requests"] - r["failures"] for r in rows.values()) / seconds
        out.append(
            f"  rater flow: {forms:.1f} forms/s (submits answered as stored), "
            f"{total:.1f} req/s in all = {total / forms if forms else 0:.1f} requests a form; "
            f"all requests ÷ write {total / base if base else 0:.3f}, "
            f"forms ÷ write {forms / base if base else 0:.3f}, p95 of all "
            f"{figures['total']['p95_ms']:.0f} ms"
        )
        for name in FLOW_ORDER:
            if name in rows:
                out.append(line(name, rows[name], seconds, base if name == "submit" else None))
        rate = forms
    if figures["starved"]:
        out.append(f"    !! {figures['starved']} users ran out of raters: add --employees")
    out.append(
        f"    errors in the whole run (warm-up too): {errors}"
        + (f" {figures['errors_whole_run']}" if errors else "")
    )
    return out, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--users", default="50,200", help="concurrent users, comma-separated")
    parser.add_argument("--measure", type=float, default=30, help="seconds measured per run")
    parser.add_argument(
        "--flow-measure",
        type=float,
        default=60,
        help="seconds measured for the rater flow (a flow is several requests: a longer window)",
    )
    parser.add_argument("--settle", type=float, default=3, help="seconds between warm and measured")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]

    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    t0 = time.perf_counter()
    agency, cycle, raters = agency_with_running_cycle(
        code=CODE,
        user_prefix=USER_PREFIX,
        employees=args.employees,
        seed=args.seed,
        password=PASSWORD,
    )
    write_table()
    runs, n_forms = plans(cycle, raters, levels, args.seed)
    setup_s = time.perf_counter() - t0
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            vendor += " " + cursor.fetchone()[0].split()[0]
    connection.close()
    workers = f"{args.workers} {args.worker_class} workers" + (
        f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    print(
        f"Kinerja rater load · Python {sys.version.split()[0]} · {os.cpu_count()} cores · {vendor}"
        f" · gunicorn {workers} · locust {version('locust')} FastHttpUser on the same machine · "
        f"{args.measure:g} s measured per run, {args.flow_measure:g} s for the flow",
        flush=True,
    )
    print(
        f"setup: {args.employees:,} employees, {n_forms:,} forms, {len(raters):,} raters, "
        f"{setup_s:.1f} s",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="kinerja-load-"))
    log = work / "gunicorn.log"
    proc = None
    all_ok = True
    try:
        port = free_port()
        proc = start_server(port, args.workers, args.worker_class, log, args.threads)
        base = None
        for kind, users, plan in runs:
            if kind == "write":
                print(f"{users} concurrent users:", flush=True)
            measure = args.flow_measure if kind == "flow" else args.measure
            settle = max(args.settle, 10) if kind == "flow" else args.settle
            load = os.getloadavg()[0]
            figures = run_locust(kind, users, plan, port, work, measure, settle)
            lines, rate = report(kind, figures, base)
            lines[0] += f"  [{figures['seconds']:.0f} s; load average {load:.1f} before]"
            print("\n".join(lines), flush=True)
            all_ok &= not figures["errors_whole_run"]
            if kind == "write":
                base = rate
                continue
            text, ok = check(agency, kind, plan, figures)
            print(text, flush=True)
            all_ok &= ok
        broken = audit_verify(agency=agency)
        n_events = AuditEvent.objects.filter(agency=agency).count()
        print(
            f"audit: {n_events:,} events of the agency, every chain "
            + ("intact" if not broken else f"BROKEN at {len(broken)} events")
        )
        all_ok &= not broken
        print(f"verdict: {'OK' if all_ok else 'FAILED'}")
    finally:
        if proc is not None:
            stop_server(proc)
        errors = server_errors(log)
        shutil.rmtree(work, ignore_errors=True)  # holds the sessions
        if errors:
            print("\n".join(errors))
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
