"""Settings for bench/throughput.py's server: the project's own settings, unchanged, with a URL map
that adds one minimal view (the baseline) and hosts for the loopback address.

With KINERJA_BENCH_SQLITE_DEFERRED=1 (`throughput.py --sqlite-deferred`), an SQLite database is
opened with Django's defaults (rollback journal, deferred transactions) instead of the project's
WAL mode with `BEGIN IMMEDIATE`, to show why the project changed them."""

import os

from kinerja.settings import *  # noqa: F403
from kinerja.settings import DATABASES

ROOT_URLCONF = "bench.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

if os.environ.get("KINERJA_BENCH_SQLITE_DEFERRED") == "1" and DATABASES["default"][
    "ENGINE"
].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {}
