"""Benchmark: form-submit throughput of the API under concurrent load, against a minimal Django view
served by the same gunicorn server.

`.venv/bin/python bench/throughput.py [--employees 1000] [--seconds 10] [--connections 8]`
(SQLite in a throwaway folder) or `DATABASE_URL=postgres://… .venv/bin/python bench/throughput.py`
(uses/clears a `bench-tp` agency and its `bench-tp-*` users).

Sets up a synthetic agency with a running cycle and one API token per rater, serves the project
with gunicorn on 127.0.0.1 (bench/bench_settings.py: the project's settings plus `/bench/ping/`),
and loads it with wrk (Debian's package; a Python http.client load generator when wrk is missing).
Each connection is one rater client doing one request at a time, each form is used once. Phases of
--seconds each: GET /bench/ping/ (the baseline), PUT …/draft with every answer, POST …/submit of
the drafted forms, and draft + submit in a row ("form submit", what a rater does). Prints
requests/s, latency p50/p99 and the ratio to the baseline, then checks the database: every 2xx
submit is one submitted response, none twice, the audit chain intact."""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["KINERJA_VAR_DIR"] = tempfile.mkdtemp(prefix="kinerja-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from bench.served import (  # noqa: E402  (pg_restart.py imports these from here too)
    HOST,
    agency_with_running_cycle,
    free_port,
    server_errors,
    start_server,
    stop_server,
)
from kinerja.assessment import services  # noqa: E402
from kinerja.assessment.models import (  # noqa: E402
    Cycle,
    RaterAssignment,
    Response,
    ResponseItem,
)
from kinerja.core.audit import audit_verify  # noqa: E402
from kinerja.core.models import Agency, AuditEvent  # noqa: E402
from kinerja.core.services import token_create  # noqa: E402

CODE = "bench-tp"
USER_PREFIX = "bench-tp-"
MAX_SECONDS = 15  # every phase is bounded

# One connection per wrk thread, so each thread is one client doing one request at a time and
# knows which request a response answers. Each thread takes every n-th line of the data file
# (assignment id, token, draft body) and stops when its share is used up; wrk's own duration then
# still runs out, so the rate is computed here from the first request to the last response.
WRK_LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode, nthreads = args[1], tonumber(args[3])
  queue = {}
  if args[2] ~= "-" then
    local i = 0
    for line in io.lines(args[2]) do
      if i % nthreads == tid then
        local id, token, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
        queue[#queue + 1] = { id = id, auth = "Bearer " .. token, body = body }
      end
      i = i + 1
    end
  end
  ping = wrk.format("GET", "/bench/ping/")
  pos, step, current = 0, 0, nil
  issued, ok, failed, dup, forms, exhausted, first, last = 0, 0, 0, 0, 0, 0, 0, 0
  statuses, seen = {}, {}
end

local function kind()
  if mode == "form" then return step == 0 and "draft" or "submit" end
  return mode
end

function request()
  if first == 0 then first = now() end
  if mode == "ping" then issued = issued + 1; return ping end
  if not (mode == "form" and step == 1) then
    pos = pos + 1
    if mode == "warm" then current = queue[(pos - 1) % #queue + 1] else current = queue[pos] end
    if current == nil then
      exhausted = 1
      wrk.thread:stop()
      return ping  -- never answered: the loop stops before reading it
    end
  end
  issued = issued + 1
  local k, e = kind(), current
  if k == "warm" then
    return wrk.format("GET", "/api/v1/assignments/" .. e.id .. "/form", { Authorization = e.auth })
  elseif k == "draft" then
    return wrk.format("PUT", "/api/v1/assignments/" .. e.id .. "/draft",
      { Authorization = e.auth, ["Content-Type"] = "application/json" }, e.body)
  end
  return wrk.format("POST", "/api/v1/assignments/" .. e.id .. "/submit", { Authorization = e.auth }, "")
end

function response(status, headers, body)
  if exhausted == 1 then return end
  last = now()
  statuses[status] = (statuses[status] or 0) + 1
  local k = kind()
  if status >= 200 and status < 300 then
    ok = ok + 1
    if k == "submit" then
      local id = body:match('"id":%s*(%d+)')
      if seen[id] then dup = dup + 1 else seen[id] = true end
      if mode == "form" then forms = forms + 1 end
    end
    if mode == "form" then step = 1 - step end
  else
    failed = failed + 1
    if mode == "form" then step = 0 end
  end
end

function done(summary, latency, requests)
  local t = { issued = 0, ok = 0, failed = 0, dup = 0, forms = 0, exhausted = 0 }
  local first_all, last_all, st = math.huge, 0, {}
  for _, thread in ipairs(threads) do
    for k in pairs(t) do t[k] = t[k] + thread:get(k) end
    local f, l = thread:get("first"), thread:get("last")
    if f > 0 and f < first_all then first_all = f end
    if l > last_all then last_all = l end
    for code, n in pairs(thread:get("statuses")) do st[code] = (st[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(st) do parts[#parts + 1] = string.format('"%d": %d', code, n) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"issued": %d, "ok": %d, "failed": %d, "dup": %d, "forms": %d, "exhausted": %d, ' ..
    '"seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f, "max_ms": %.3f, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    t.issued, t.ok, t.failed, t.dup, t.forms, t.exhausted,
    (last_all > 0 and first_all < math.huge) and (last_all - first_all) or 0,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


# --- setup (in this process, through the services) ----------------------------------------------


def setup(employees: int, seed: int) -> tuple[Agency, Cycle, dict[int, str], dict[int, str]]:
    """The agency, a running cycle, a token per rater, and each form's complete draft body."""
    agency, cycle, raters = agency_with_running_cycle(
        code=CODE, user_prefix=USER_PREFIX, employees=employees, seed=seed
    )
    tokens = {
        e.pk: token_create(agency=agency, user=e.user, name="bench", acting_user=None)[1]
        for e in raters
    }
    bodies = {}
    for a in RaterAssignment.objects.filter(cycle=cycle).select_related("ratee"):
        items = services.items_for_ratee(cycle, a.ratee)
        bodies[a.pk] = json.dumps(
            {
                "answers": {item["code"]: {"level": 3} for item in items},
                "strengths": "Teliti dan dapat diandalkan.",
                "to_develop": "Mendelegasikan pekerjaan.",
            }
        )
    rater_of = dict(RaterAssignment.objects.filter(cycle=cycle).values_list("pk", "rater_id"))
    token_of = {pk: tokens[rater] for pk, rater in rater_of.items()}
    return agency, cycle, token_of, bodies


def write_data(
    path: Path, ids: list[int], token_of: dict[int, str], bodies: dict[int, str]
) -> Path:
    """One line per form: assignment id, bearer token, draft body (JSON without tabs)."""
    with path.open("w") as f:
        for pk in ids:
            f.write(f"{pk}\t{token_of[pk]}\t{bodies[pk]}\n")
    return path


# --- the load -------------------------------------------------------------------------------------


def run_wrk(mode, data, seconds, connections, port, script) -> dict:
    cmd = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s"]
    cmd += ["--timeout", "30s", "-s", str(script), f"http://{HOST}:{port}/"]
    cmd += ["--", mode, str(data) if data else "-", str(connections)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    return json.loads(line[len("BENCH ") :])


def run_python(mode, data, seconds, connections, port) -> dict:
    """The same phases without wrk: one thread and one keep-alive connection per client."""
    entries = []
    if data:
        for line in Path(data).read_text().splitlines():
            pk, token, body = line.split("\t", 2)
            entries.append((pk, token, body))
    lock = threading.Lock()
    total = {"issued": 0, "ok": 0, "failed": 0, "dup": 0, "forms": 0, "exhausted": 0}
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    spans: list[tuple[float, float]] = []
    errors = [0]
    stop_at = time.monotonic() + seconds

    def client(tid: int) -> None:
        share = entries[tid::connections]
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = {k: 0 for k in total}
        lat, seen, first, last, pos = [], set(), 0.0, 0.0, 0
        codes: dict[str, int] = {}

        def call(method, path, token=None, body=None):
            nonlocal first, last
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if body is not None:
                headers["Content-Type"] = "application/json"
            start = time.monotonic()
            first = first or start
            mine["issued"] += 1
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
            except OSError:
                errors[0] += 1
                conn.close()
                return 0, b""
            last = time.monotonic()
            lat.append(last - start)
            codes[str(resp.status)] = codes.get(str(resp.status), 0) + 1
            if 200 <= resp.status < 300:
                mine["ok"] += 1
            else:
                mine["failed"] += 1
            return resp.status, payload

        def submitted(status, payload):
            if 200 <= status < 300:
                pk = json.loads(payload)["id"]
                mine["dup"] += pk in seen
                seen.add(pk)
                return True
            return False

        while time.monotonic() < stop_at:
            if mode == "ping":
                call("GET", "/bench/ping/")
                continue
            if mode == "warm":
                pk, token, _ = share[pos % len(share)]
                pos += 1
                call("GET", f"/api/v1/assignments/{pk}/form", token)
                continue
            if pos >= len(share):
                mine["exhausted"] = 1
                break
            pk, token, body = share[pos]
            pos += 1
            if mode in ("draft", "form"):
                status, _ = call("PUT", f"/api/v1/assignments/{pk}/draft", token, body)
                if mode == "draft" or not 200 <= status < 300 or time.monotonic() >= stop_at:
                    continue
            if submitted(*call("POST", f"/api/v1/assignments/{pk}/submit", token, "")):
                mine["forms"] += mode == "form"
        conn.close()
        with lock:
            for k, v in mine.items():
                total[k] += v
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v
            latencies.extend(lat)
            if first and last:
                spans.append((first, last))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return total | {
        "seconds": max(s[1] for s in spans) - min(s[0] for s in spans) if spans else 0,
        "p50_ms": pct(50) if latencies else 0,
        "p99_ms": pct(99) if latencies else 0,
        "mean_ms": sum(latencies) / len(latencies) * 1000 if latencies else 0,
        "max_ms": latencies[-1] * 1000 if latencies else 0,
        "socket_errors": errors[0],
        "statuses": statuses,
    }


# --- checks ---------------------------------------------------------------------------------------


def snapshot(cycle: Cycle) -> dict[str, int]:
    rows = Response.objects.filter(assignment__cycle=cycle)
    result = rows.aggregate(n=Count("id"), versions=Sum("version"))
    result["submitted"] = rows.filter(submitted_at__isnull=False).count()
    connection.close()  # hold no SQLite lock while the server writes
    return {k: v or 0 for k, v in result.items()}


def settle(cycle: Cycle) -> dict[str, int]:
    """Waits until the requests still in flight when the load stopped are done."""
    before = snapshot(cycle)
    for _ in range(100):
        time.sleep(0.5)
        now = snapshot(cycle)
        if now == before:
            return now
        before = now
    return before


def predraft(agency: Agency, ids: list[int], bodies: dict[int, str]) -> None:
    """Complete drafts for the submit phase, written in bulk as a PUT draft would leave them
    (version 1), so that phase does not depend on how many drafts the draft phase managed."""
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            [
                Response(agency=agency, assignment_id=pk, version=1, strengths="-", to_develop="-")
                for pk in ids
            ],
            batch_size=1000,
        )
        ResponseItem.objects.bulk_create(
            [
                ResponseItem(response=r, item=code, level=3)
                for r in responses
                for code in json.loads(bodies[r.assignment_id])["answers"]
            ],
            batch_size=2000,
        )
    connection.close()


def check_drafts(ids: list[int], bodies: dict[int, str], ok_drafts: int, in_flight: int) -> str:
    """Every 2xx draft is one draft response holding every answer, saved once."""
    rows = Response.objects.filter(assignment_id__in=ids)
    saved = rows.count()
    submitted = rows.filter(submitted_at__isnull=False).count()
    twice = rows.exclude(version=1).count()
    items = dict(rows.annotate(n=Count("items")).values_list("assignment_id", "n"))
    connection.close()
    short = sum(1 for pk, n in items.items() if n != len(json.loads(bodies[pk])["answers"]))
    problems = []
    if not ok_drafts <= saved <= ok_drafts + in_flight:
        problems.append(f"{saved} drafts vs {ok_drafts} 2xx drafts")
    if submitted or twice:
        problems.append(f"{submitted} submitted, {twice} saved more than once")
    if short:
        problems.append(f"{short} drafts without every answer")
    status = "OK" if not problems else "FAILED: " + "; ".join(problems)
    return (
        f"  check: {saved:,} drafts in the database, {ok_drafts:,} 2xx drafts seen by the load "
        f"generator (+{saved - ok_drafts} in flight when it stopped), each with every answer: "
        f"{status}"
    )


def check_submissions(agency: Agency, cycle: Cycle, ok_submits: int, in_flight: int) -> list[str]:
    """Every 2xx submit is exactly one submitted response, processed once; the chain holds. A
    submit still in flight when the load stopped (at most one per connection) may add one."""
    responses = Response.objects.filter(assignment__cycle=cycle, submitted_at__isnull=False)
    submitted = responses.count()
    twice = responses.exclude(version=2).count()  # one draft + one submit each
    events = AuditEvent.objects.filter(
        agency=agency, action="response.submit", object_type="assessment.raterassignment"
    )
    n_events = events.count()
    distinct = events.values("object_id").distinct().count()
    broken = audit_verify(agency=agency)
    connection.close()
    problems = []
    if not ok_submits <= submitted <= ok_submits + in_flight:
        problems.append(f"{submitted} submitted vs {ok_submits} 2xx submits")
    if twice:
        problems.append(f"{twice} submitted responses saved more than once")
    if n_events != submitted or distinct != submitted:
        problems.append(f"{n_events} submit audit events ({distinct} forms) vs {submitted}")
    if broken:
        problems.append(f"audit chain broken at {len(broken)} events")
    status = "OK" if not problems else "FAILED: " + "; ".join(problems)
    return (
        f"  check: {submitted:,} submitted responses in the database, {ok_submits:,} 2xx submits "
        f"seen by the load generator (+{submitted - ok_submits} in flight when it stopped), "
        f"{n_events:,} submit audit events, audit chain "
        f"{'intact' if not broken else 'BROKEN'}: {status}"
    )


# --- main -----------------------------------------------------------------------------------------


def row(label: str, r: dict, base: dict | None, unit: str = "req/s", per_form: bool = False):
    # Only 2xx count: a failed request did no useful work, however fast it failed.
    rate = (r["forms"] if per_form else r["ok"]) / r["seconds"] if r["seconds"] else 0
    text = (
        f"  {label:<30} {rate:8.1f} {unit:<7} p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms"
    )
    if base is not None:
        base_rate = base["ok"] / base["seconds"]
        text += f"  ratio {rate / base_rate:5.3f}"
    bad = r["failed"] + r["socket_errors"]
    others = {k: v for k, v in r["statuses"].items() if not 200 <= int(k) < 300}
    text += f"  non-2xx {r['failed']}" + (f" {others}" if others else "")
    if r["socket_errors"]:
        text += f"  socket errors {r['socket_errors']}"
    if r["exhausted"]:
        text += f"  (forms used up after {r['seconds']:.1f} s)"
    if bad and not r["ok"]:
        text += "  ALL FAILED"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10, help=f"per phase, at most {MAX_SECONDS}")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--load", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sqlite-deferred",
        action="store_true",
        help="serve SQLite with Django's default journal and deferred transactions",
    )
    args = parser.parse_args()
    seconds = max(1, min(args.seconds, MAX_SECONDS))
    if args.sqlite_deferred:
        os.environ["KINERJA_BENCH_SQLITE_DEFERRED"] = "1"  # read by the server's settings only
    use_wrk = args.load == "wrk" or (args.load == "auto" and shutil.which("wrk"))
    if args.load == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    call_command("migrate", verbosity=0)
    call_command("load-framework", verbosity=0, stdout=io.StringIO())
    t0 = time.perf_counter()
    agency, cycle, token_of, bodies = setup(args.employees, args.seed)
    ids = sorted(token_of)
    random.Random(args.seed).shuffle(ids)
    third = len(ids) // 3
    draft_ids, submit_ids, form_ids = ids[:third], ids[third : 2 * third], ids[2 * third :]
    predraft(agency, submit_ids, bodies)
    setup_s = time.perf_counter() - t0
    vendor = connection.vendor + (" (Django defaults)" if args.sqlite_deferred else "")
    connection.close()

    if use_wrk:
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
        tool = f"wrk {version[1] if len(version) > 1 else ''}".strip()
    else:
        tool = "Python http.client threads"
    print(
        f"Kinerja form-submit throughput · Python {sys.version.split()[0]} · {os.cpu_count()} cores"
        f" · gunicorn {args.workers} {args.worker_class} workers · {tool}, "
        f"{args.connections} connections, {seconds} s per phase",
        flush=True,
    )
    print(
        f"setup: {args.employees:,} employees, {len(ids):,} forms (a third each for the draft, "
        f"submit and form phases), {len(set(token_of.values())):,} rater tokens, {setup_s:.1f} s",
        flush=True,
    )

    def say(text: str) -> None:
        print(text, flush=True)

    work = Path(tempfile.mkdtemp(prefix="kinerja-tp-"))
    log = work / "gunicorn.log"
    proc = None
    try:
        script = work / "bench.lua"
        script.write_text(WRK_LUA)

        def load(mode: str, ids: list[int] | None, secs: int = seconds) -> dict:
            data = write_data(work / f"{mode}.tsv", ids, token_of, bodies) if ids else None
            if use_wrk:
                return run_wrk(mode, data, secs, args.connections, port, script)
            return run_python(mode, data, secs, args.connections, port)

        port = free_port()
        proc = start_server(port, args.workers, args.worker_class, log)
        load("ping", None, 2)  # warm every worker: URL map, imports
        load("warm", draft_ids, 2)  # and the API path with its database connection
        say(f"form submit under load, {len(ids):,} forms, {vendor}:")

        ping = load("ping", None)
        say(row("baseline GET /bench/ping/", ping, None))

        draft = load("draft", draft_ids)
        settle(cycle)
        n_items = sum(len(json.loads(bodies[pk])["answers"]) for pk in ids) / len(ids)
        say(row(f"PUT draft ({n_items:.0f} answers)", draft, ping))
        say(check_drafts(draft_ids, bodies, draft["ok"], args.connections))

        submit = load("submit", submit_ids)
        settle(cycle)
        say(row("POST submit (drafted forms)", submit, ping))
        say(check_submissions(agency, cycle, submit["ok"], args.connections))

        form = load("form", form_ids)
        settle(cycle)
        say(row("form submit (draft + submit)", form, ping, "forms/s", per_form=True))
        say(check_submissions(agency, cycle, submit["ok"] + form["forms"], 2 * args.connections))
        dup = submit["dup"] + form["dup"]
        say(f"  repeated 2xx submits of one form: {dup}" + ("" if dup == 0 else "  FAILED"))
    finally:
        if proc is not None:
            stop_server(proc)
        errors = server_errors(log)
        shutil.rmtree(work, ignore_errors=True)  # holds the tokens
        if errors:
            print("\n".join(errors))


if __name__ == "__main__":
    main()
