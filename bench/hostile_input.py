"""Hostile spreadsheets: what Kinerja's reader (`read_table`) does with a zip bomb (a 0.5 MiB
.xlsx whose sheet inflates to 150 MiB) and an XML entity bomb, against plain openpyxl parsing
the same zip bomb to the end, in the same run. Each measurement runs in a fresh process, so
its peak RSS is its own. One command:

    .venv/bin/python bench/hostile_input.py
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")


def _setup() -> None:
    import django

    django.setup()


def _bombs() -> dict[str, bytes]:
    from tests.test_hostile_input import _workbook, entity_bomb, late_entity_bomb, zip_bomb

    headers = ["nip", "nama"]
    return {
        "normal": _workbook(headers),
        "zip": zip_bomb(headers),
        "entity": entity_bomb(headers),
        "late-entity": late_entity_bomb(headers),
    }


def _peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM starts afresh at exec; ru_maxrss would carry the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, reader: str) -> None:
    """Runs one measurement on the file at `path` and prints `seconds rss_mib outcome`."""
    _setup()
    import openpyxl  # noqa: F401  (loaded before the clock starts, for both readers)

    from kinerja.core.errors import KinerjaError
    from kinerja.core.spreadsheets import read_table

    settled = _peak_rss_mib()  # Django and the reader loaded, before the file is read
    data = Path(path).read_bytes()
    start = time.perf_counter()
    if reader == "kinerja":
        try:
            read_table(data, "x.xlsx", required=["nip"])
            outcome = "accepted"
        except KinerjaError as error:
            outcome = f"refused:{error.code}"
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        outcome = f"parsed:{rows}_rows"
    seconds = time.perf_counter() - start
    rss = _peak_rss_mib()
    print(f"{seconds:.3f} {rss:.1f} {rss - settled:.1f} {outcome}")


def run(path: Path, reader: str) -> tuple[float, float, float, str]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), reader],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), out[3]


def main() -> None:
    _setup()
    folder = Path(tempfile.mkdtemp(prefix="kinerja-hostile-"))
    files = {}
    for kind, data in _bombs().items():
        files[kind] = folder / f"{kind}.xlsx"
        files[kind].write_bytes(data)
    sizes = {k: p.stat().st_size for k, p in files.items()}
    print(
        f"zip bomb {sizes['zip'] / 2**20:.2f} MiB on disk (sheet 150 MiB inflated); "
        f"entity bomb {sizes['entity'] / 2**10:.1f} KiB"
    )
    print(
        f"{'file':<13}{'reader':<16}{'seconds':>9}{'peak RSS MiB':>14}{'growth MiB':>12}  outcome"
    )
    runs = [("normal", "kinerja"), ("zip", "kinerja"), ("entity", "kinerja")]
    runs += [("late-entity", "kinerja"), ("zip", "openpyxl")]
    for kind, reader in runs:
        seconds, rss, grown, outcome = run(files[kind], reader)
        label = "read_table" if reader == "kinerja" else "plain openpyxl"
        print(f"{kind:<13}{label:<16}{seconds:>9.3f}{rss:>14.1f}{grown:>12.1f}  {outcome}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
