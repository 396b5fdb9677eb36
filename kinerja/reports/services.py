"""The writes of the reports: starting a ZIP of PDF reports as a background job (a team, a unit
or the agency), and the job's work (RUNNERS["pdf_batch"]): one PDF per employee into one ZIP,
progress after each, the ZIP kept as the job's private output file (jobs:download)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.organisation.models import Employee, OrgUnit

from . import documents, selectors

SCOPES = ("tim", "unit", "instansi")


def pdf_inline_limit() -> int:
    """A ZIP of at most this many reports is made inside the request (KINERJA_PDF_INLINE_MAX,
    and never above the jobs' inline_limit()): one report takes WeasyPrint about half a
    second, so a team's ZIP is ready at once and a unit's goes to the worker."""
    return min(jobs.inline_limit(), int(getattr(settings, "KINERJA_PDF_INLINE_MAX", 10)))


def _scope_name(cycle: Cycle, scope: str, unit: OrgUnit | None, supervisor: Employee | None) -> str:
    if scope == "tim" and supervisor is not None:
        return _("%(cycle)s · tim %(name)s") % {"cycle": cycle.name, "name": supervisor.name}
    if scope == "unit" and unit is not None:
        return f"{cycle.name} · {unit.name}"
    return f"{cycle.name} · {cycle.agency.name}"


def pdf_batch_start(
    *,
    cycle: Cycle,
    scope: str,
    acting_user: Any,
    unit: OrgUnit | None = None,
    supervisor: Employee | None = None,
    background: bool | None = None,
) -> tuple[Job, bool]:
    """Starts (or joins) the job that writes the ZIP of PDF reports of a supervisor's direct
    reports ("tim"), a unit with its sub-units ("unit") or the agency ("instansi"). Runs at
    once when the batch is small (pdf_inline_limit) unless `background` says otherwise. The
    job row and its audit event are written by jobs.job_start; the caller checked the role.
    (Not one transaction: an inline batch renders for seconds and must not hold one open.)"""
    if scope not in SCOPES:
        raise KinerjaError("invalid", _("Cakupan laporan tidak dikenal."))
    if scope == "tim" and supervisor is None:
        raise KinerjaError("invalid", _("Pilih atasan yang laporan timnya dibuat."))
    if scope == "unit" and (unit is None or unit.agency_id != cycle.agency_id):
        raise KinerjaError("not_found", _("Unit kerja tidak ditemukan."), status=404)
    rows = selectors.batch_results(
        cycle=cycle, scope=scope, unit_id=unit.pk if unit else None, supervisor=supervisor
    )
    total = rows.count()
    if total == 0:
        raise KinerjaError(
            "empty", _("Belum ada hasil yang dapat dicetak untuk cakupan ini pada siklus ini.")
        )
    target = {"tim": supervisor, "unit": unit, "instansi": cycle.agency}[scope]
    assert target is not None
    inline = total <= pdf_inline_limit() if background is None else not background
    user_pk = getattr(acting_user, "pk", None) or 0
    return jobs.job_start(
        agency=cycle.agency,
        kind=Job.Kind.PDF_BATCH,
        target_id=target.pk,
        target_name=_scope_name(cycle, scope, unit, supervisor),
        acting_user=acting_user,
        # Per cycle, scope and starter: each person follows (and may download) their own job.
        key=f"{scope}:c{cycle.pk}:u{user_pk}",
        params={
            "cycle_id": cycle.pk,
            "scope": scope,
            "unit_id": unit.pk if unit else None,
            "supervisor_id": supervisor.pk if supervisor else None,
            "total": total,
        },
        inline=inline,
    )


def _allowed(job: Job, scope: str, supervisor: Employee | None) -> bool:
    """The starter may still make this batch (a role can change while a job waits); a job
    started from the CLI (no user) may."""
    user = job.started_by
    if user is None:
        return True
    if scope == "tim":
        return permissions.can_print_team_reports(user, supervisor)
    return permissions.can_print_results_batch(user, job.agency)


def pdf_batch_job(job: Job, progress: Callable[[str, int], None]) -> tuple[str, str]:
    """RUNNERS[Job.Kind.PDF_BATCH]: the ZIP of one PDF per stored result of the batch."""
    params = job.params
    cycle = Cycle.objects.select_related("agency").get(
        pk=params["cycle_id"], agency_id=job.agency_id
    )
    scope = params.get("scope", "instansi")
    supervisor = (
        Employee.objects.filter(pk=params.get("supervisor_id"), agency_id=job.agency_id).first()
        if scope == "tim"
        else None
    )
    if not _allowed(job, scope, supervisor):
        raise KinerjaError("forbidden", _("Anda tidak lagi berhak mencetak laporan ini."))
    rows = selectors.batch_results(
        cycle=cycle, scope=scope, unit_id=params.get("unit_id"), supervisor=supervisor
    )
    total = rows.count()
    if total == 0:
        raise KinerjaError("empty", _("Belum ada hasil yang dapat dicetak untuk cakupan ini."))
    progress(_("Menyiapkan %(n)d laporan") % {"n": total}, 1)
    name = f"laporan-siklus-{cycle.pk}-{scope}-{job.target_id}.zip"
    with tempfile.TemporaryFile() as out:
        written = documents.results_zip(
            cycle=cycle,
            rows=rows.iterator(chunk_size=100),
            total=total,
            out=out,
            printed_by=job.started_by,
            progress=progress,
        )
        out.seek(0)
        if job.output_file:
            job.output_file.delete(save=False)
        job.output_file.save(name, File(out, name=name), save=False)
    job.output_name = name
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name, output_name=name)
    message = _("%(n)d laporan PDF dalam satu berkas ZIP.") % {"n": written}
    back = (
        reverse("results:team", args=[cycle.pk])
        if scope == "tim"
        else reverse("results:cycle", args=[cycle.pk])
    )
    return message, back
