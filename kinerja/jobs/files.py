"""The files of background jobs: how big an upload is (to send it to a job or not), starting an
import as a job with its upload kept, the outcome of an import job (its report, and the error
report as a downloadable XLSX), and a job's output file. The import and export runners of the
apps share these so every job reports in the same shape."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kinerja.core.errors import KinerjaError
from kinerja.core.models import Agency
from kinerja.core.spreadsheets import RowError, write_xlsx

from . import services
from .models import Job

REPORT_ERRORS = 1000  # row errors kept on the job for its page; all of them are in the XLSX
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def estimate_rows(raw: bytes, filename: str) -> int:
    """About how many data rows a file holds, without parsing it (an upper bound: blank rows
    count too). Decides whether an import runs in the request or as a job; a file that is not
    readable counts 0, so it goes the quick way and gets the usual error at once."""
    name = filename.lower()
    if name.endswith(".csv"):
        return max(0, raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1) - 1)
    if not name.endswith(".xlsx"):
        return 0
    from openpyxl import load_workbook

    from kinerja.core.spreadsheets import _inspect_zip  # the same checks as the real read

    try:
        _inspect_zip(raw)
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        path = workbook.worksheets[0]._worksheet_path  # type: ignore[union-attr]
        workbook.close()
        rows, tail = 0, b""
        with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open(path) as sheet:
            while chunk := sheet.read(1 << 20):
                block = tail + chunk
                rows += len(_ROW_TAG.findall(block))
                # The last bytes go again with the next chunk (a tag cut in two is whole
                # there): a tag wholly inside them is counted there, not here.
                tail = block[-16:]
                rows -= len(_ROW_TAG.findall(tail))
            rows += len(_ROW_TAG.findall(tail))
        return max(0, rows - 1)
    except Exception:  # the real read reports what is wrong with it
        return 0


def goes_to_job(raw: bytes, filename: str, *, background: bool = False) -> bool:
    """An upload above the inline limit (or any, when asked) is imported by a job."""
    return background or estimate_rows(raw, filename) > services.inline_limit()


def import_upload(
    *,
    kind: str,
    service: Callable[..., Any],
    agency: Agency,
    data: bytes,
    filename: str,
    acting_user: Any,
    dry_run: bool = False,
    background: bool = False,
) -> Any:
    """The one rule of where an import runs, for the web, the API and the CLI alike: a large
    upload (or any, with `background`) is queued as a job and the job is returned; a small one
    is imported here and now by `service` (the same keyword arguments), whose report is
    returned."""
    if goes_to_job(data, filename, background=background):
        return import_job_start(
            agency=agency,
            kind=kind,
            data=data,
            filename=filename,
            acting_user=acting_user,
            dry_run=dry_run,
        )
    return service(
        agency=agency, data=data, filename=filename, acting_user=acting_user, dry_run=dry_run
    )


def import_job_start(
    *,
    agency: Agency,
    kind: str,
    data: bytes,
    filename: str,
    acting_user: Any,
    dry_run: bool = False,
    params: dict[str, Any] | None = None,
) -> Job:
    """Queues an import of `data` as a job (the upload kept in the private storage). The same
    file sent again while its job is active joins that job; another file of the same kind has
    to wait, as two imports at once would each check against data the other is changing."""
    key = hashlib.sha256(data).hexdigest()[:40] + (":uji" if dry_run else "")
    busy = (
        Job.objects.filter(agency=agency, kind=kind, state__in=Job.ACTIVE).exclude(key=key).first()
    )
    if busy is not None:
        raise KinerjaError(
            "job_busy",
            _(
                "Impor lain (%(name)s) sedang berjalan sebagai pekerjaan %(id)d. Tunggu sampai "
                "selesai, lalu unggah lagi."
            )
            % {"name": busy.target_name, "id": busy.pk},
            status=409,
        )
    job, _created = services.job_start(
        agency=agency,
        kind=kind,
        target_id=agency.pk,
        target_name=filename,
        acting_user=acting_user,
        key=key,
        params={"filename": filename, "dry_run": dry_run, **(params or {})},
        input_file=ContentFile(data, name=_safe_name(filename)),
    )
    return job


def _safe_name(filename: str) -> str:
    stem = re.sub(r"[^\w.-]+", "-", filename.rsplit("/", 1)[-1])[-80:].strip(".-")
    return stem or "unggahan"


def read_input(job: Job) -> tuple[bytes, str]:
    """The upload of an import job and its original file name."""
    if not job.input_file:
        raise KinerjaError("job_no_input", _("Berkas unggahan pekerjaan ini tidak ditemukan."))
    with job.input_file.open("rb") as upload:
        return upload.read(), str(job.params.get("filename") or job.input_file.name)


def output_save(job: Job, *, name: str, content: bytes, download: bool = True) -> None:
    """Keeps `content` as the job's file to download as `name` (a re-run replaces it); one
    that is not for download (a ranking the page reads) gets no download name, so no link."""
    if job.output_file:
        job.output_file.delete(save=False)
    job.output_file.save(_safe_name(name), ContentFile(content), save=False)
    job.output_name = name[:200] if download else ""
    Job.objects.filter(pk=job.pk).update(
        output_file=job.output_file.name, output_name=job.output_name
    )


def import_outcome(
    job: Job,
    *,
    ok: bool,
    summary: str,
    errors: Sequence[RowError] = (),
    details: Sequence[str] = (),
    report_name: str = "laporan-kesalahan-impor.xlsx",
) -> str:
    """Records an import job's report on the job (what its page and the API show, the same as
    the synchronous page's): the summary, the extra lines, the first REPORT_ERRORS row errors;
    a file with errors also gets the whole error report as an XLSX and fails the job with the
    summary (nothing was changed). Returns the summary, the job's message when it succeeds."""
    job.params = {
        **job.params,
        "report": {
            "ok": ok,
            "summary": summary,
            "details": [str(line) for line in details],
            "error_count": len(errors),
            "errors": [e.as_dict() for e in list(errors)[:REPORT_ERRORS]],
        },
    }
    Job.objects.filter(pk=job.pk).update(params=job.params)
    if ok:
        return summary
    content = write_xlsx(
        [_("baris"), _("kolom"), _("kesalahan")],
        [[e.row, e.column, e.message] for e in errors],
        title=_("Kesalahan"),
        notes=[summary, _("Perbaiki berkas lalu unggah lagi; tidak ada data yang diubah.")],
    )
    output_save(job, name=report_name, content=content)
    raise KinerjaError("import_invalid", summary)


def report_lines(job: Job) -> list[str]:
    """An import job's report as plain text lines (the CLI prints them)."""
    report = job.params.get("report") or {}
    lines = [str(report.get("summary", ""))] + list(report.get("details", []))
    for e in report.get("errors", []):
        lines.append(
            _("Baris %(row)d, kolom %(col)s: %(msg)s")
            % {"row": e["row"], "col": e["column"], "msg": e["message"]}
        )
    hidden = int(report.get("error_count", 0)) - len(report.get("errors", []))
    if hidden > 0:
        lines.append(_("… dan %(n)d kesalahan lain (lihat laporan XLSX).") % {"n": hidden})
    return [line for line in lines if line]
