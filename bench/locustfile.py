"""Locust users for bench/load.py: the rater's web flow, a submit-only rater, and the minimal write.

Run by bench/load.py, one user class per run (`locust -f bench/locustfile.py --headless -u N -r R
--kinerja-plan plan.json --kinerja-out out.json --kinerja-measure 20 RaterFlow`); the plan, written by
load.py, lists the raters to use (username, password or a ready session) with their forms.

- `RaterFlow`: what a rater's browser does. Signs in through the login page (CSRF token from the
  form), then for each of the rater's forms: opens it, autosaves drafts as the form's htmx does
  (`hx-post` of the whole form to …/simpan/ with `HX-Request`, answers filled a part at a time),
  submits it (…/kirim/, answered with a redirect to "Tugas saya") and opens "Tugas saya" as the
  redirect asks. When the rater's forms are done, the user signs in as the next rater.
- `Submitter`: a signed-in rater (session made by load.py) who posts each form complete to
  …/kirim/ in one request: the submit on its own, no page, no drafts.
- `MinimalWrite`: a signed-in session posting to /bench/write/ (bench/bench_urls.py): one row
  written in one transaction behind the same middleware, the baseline.

Every simulated rater uses its own account and forms, and each form is submitted once. The
measurement starts when every user is running and has made its first request (sign-ins of the
first raters included) plus a short settling time; statistics are reset then, and after
--kinerja-measure seconds the figures are written to --kinerja-out and locust stops. Requests of a
whole run (warm-up too) count toward the errors and the submitted-form ids that load.py checks
against the database."""

from __future__ import annotations

import json
import re
import time
from collections import Counter, deque
from http.cookiejar import Cookie
from typing import Any

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM = re.compile(r'name="item-([^"]+)"')
TASKS = "/penilaian/tugas/"

PLAN: deque[dict[str, Any]] = deque()
STATE: dict[str, Any] = {
    "ready": 0,  # users that made their first request
    "submit_started": [],  # every submit sent (whole run)
    "submit_ok": [],  # every submit answered as stored (whole run)
    "errors": Counter(),  # every failed request by name (whole run)
    "starved": 0,  # users left without a rater to play
    "spawned": False,  # every user started
}


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--kinerja-plan", default="", help="raters and forms (from load.py)")
    parser.add_argument("--kinerja-out", default="", help="where the figures go (JSON)")
    parser.add_argument("--kinerja-measure", type=float, default=20, help="seconds measured")
    parser.add_argument("--kinerja-settle", type=float, default=3, help="seconds before measuring")


@events.init.add_listener
def _init(environment, **_kwargs) -> None:
    options = environment.parsed_options
    if options and options.kinerja_plan:
        with open(options.kinerja_plan) as f:
            PLAN.extend(json.load(f)["raters"])


@events.request.add_listener
def _count_errors(name, exception, **_kwargs) -> None:
    if exception is not None:
        STATE["errors"][name] += 1


@events.spawning_complete.add_listener
def _spawned(**_kwargs) -> None:
    STATE["spawned"] = True


@events.test_start.add_listener
def _start(environment, **_kwargs) -> None:
    gevent.spawn(_measure, environment)


def _measure(environment) -> None:
    """Waits until every user runs and has made its first request, settles, resets the
    statistics, measures for --kinerja-measure seconds, writes the figures, stops locust."""
    options, runner = environment.parsed_options, environment.runner
    while not STATE["spawned"] or STATE["ready"] < options.num_users:
        gevent.sleep(0.1)
    gevent.sleep(options.kinerja_settle)
    runner.stats.reset_all()
    submits_before = len(STATE["submit_ok"])
    start = time.monotonic()
    gevent.sleep(options.kinerja_measure)
    seconds = time.monotonic() - start
    stats = runner.stats
    rows = {}
    for entry in stats.entries.values():
        rows[entry.name] = {
            "method": entry.method,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "mean_ms": entry.avg_response_time,
        }
    total = stats.total
    figures = {
        "seconds": seconds,
        "users": runner.user_count,
        "requests": rows,
        "total": {
            "requests": total.num_requests,
            "failures": total.num_failures,
            "p95_ms": total.get_response_time_percentile(0.95),
        },
        "submits_in_window": len(STATE["submit_ok"]) - submits_before,
        "starved": STATE["starved"],
    }
    runner.quit()  # stops the users (a request still in flight is cut off: load.py allows it)
    figures |= {
        "submit_started": STATE["submit_started"],
        "submit_ok": STATE["submit_ok"],
        "errors_whole_run": dict(STATE["errors"]),
    }
    if options.kinerja_out:
        with open(options.kinerja_out, "w") as f:
            json.dump(figures, f)


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
        None, None, {},
    )  # fmt: skip


class Rater(FastHttpUser):
    """A simulated rater's client: plays the raters of the plan one after another."""

    abstract = True
    rater: dict[str, Any] | None = None
    forms: list[dict[str, Any]]
    csrf = ""
    counted = False

    def next_rater(self) -> bool:
        self.client.cookiejar.clear()
        if not PLAN:
            STATE["starved"] += 1
            self.rater = None
            return False
        self.rater = PLAN.popleft()
        self.forms = list(self.rater["forms"])
        if self.rater.get("session"):
            self.csrf = self.rater["csrf"]
            self.client.cookiejar.set_cookie(_cookie("sessionid", self.rater["session"]))
            self.client.cookiejar.set_cookie(_cookie("csrftoken", self.csrf))
        return True

    def ready(self) -> None:
        if not self.counted:
            self.counted = True
            STATE["ready"] += 1

    def form_fields(self, items: list[str], part: float) -> dict[str, str]:
        fields = {"csrfmiddlewaretoken": self.csrf}
        for code in items[: round(len(items) * part)]:
            fields[f"item-{code}"] = "3"
        fields["strengths"] = "Teliti dan dapat diandalkan."
        fields["to_develop"] = "Mendelegasikan pekerjaan."
        return fields

    def submit(self, form_id: int, items: list[str]) -> bool:
        """POST …/kirim/ with every answer; stored when it redirects to "Tugas saya"."""
        STATE["submit_started"].append(form_id)
        with self.client.post(
            f"/penilaian/formulir/{form_id}/kirim/",
            data=self.form_fields(items, 1),
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code == 302 and r.headers.get("Location", "").endswith(TASKS):
                STATE["submit_ok"].append(form_id)
                r.success()
                return True
            r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
            return False

    def idle(self) -> None:
        """No rater left to play: this user stops working (load.py reports it)."""
        self.ready()
        self.stop()


class RaterFlow(Rater):
    """The rater's web flow: sign in, open the form, autosave drafts, submit, back to my tasks."""

    drafts = 3  # autosaves per form, each with a larger share of the answers

    def sign_in(self) -> bool:
        assert self.rater is not None
        page = self.client.get("/akun/login/", name="sign-in page")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/akun/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.rater["username"],
                "password": self.rater["password"],
                "next": TASKS,
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code == 302 and r.headers.get("Location", "").endswith(TASKS):
                r.success()
                return True
            r.failure(f"sign-in answered {r.status_code}")
            return False

    @task
    def one_form(self) -> None:
        if self.rater is None or not self.forms:
            if not self.next_rater():
                return self.idle()
            signed_in = self.sign_in()
            self.ready()
            if not signed_in:
                self.rater = None
                return None
        form_id = self.forms.pop(0)["id"]
        url = f"/penilaian/formulir/{form_id}/"
        with self.client.get(url, name="form page", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            items = list(dict.fromkeys(ITEM.findall(page.text or "")))
            if page.status_code != 200 or token is None or not items:
                page.failure(f"form page answered {page.status_code} without its form")
                return None
        self.csrf = token.group(1)
        for n in range(1, self.drafts + 1):
            with self.client.post(
                f"{url}simpan/",
                data=self.form_fields(items, n / (self.drafts + 1)),
                headers={"HX-Request": "true"},
                name="autosave",
                catch_response=True,
            ) as r:
                if r.status_code != 200 or "text-success" not in (r.text or ""):
                    r.failure(f"autosave answered {r.status_code}: {(r.text or '')[:120]}")
                    return None
        if self.submit(form_id, items):
            self.client.get(TASKS, name="my tasks (after submit)")
        return None


class Submitter(Rater):
    """A signed-in rater posting each form complete in one submit."""

    @task
    def one_submit(self) -> None:
        if (self.rater is None or not self.forms) and not self.next_rater():
            return self.idle()
        form = self.forms.pop(0)
        self.submit(form["id"], form["items"])
        self.ready()
        return None


class MinimalWrite(Rater):
    """A signed-in session writing one row per request through /bench/write/."""

    @task
    def write(self) -> None:
        if self.rater is None and not self.next_rater():
            return self.idle()
        self.client.post("/bench/write/", data={"csrfmiddlewaretoken": self.csrf}, name="write")
        self.ready()
        return None
