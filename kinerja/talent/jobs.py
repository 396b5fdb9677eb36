"""The talent pages' background jobs (kinerja/jobs): the candidates ranking for a target position
at scale (its ranked lines kept as the job's JSON file, which the candidates page then reads
instead of ranking again) and the 9-box, succession-pool and candidates XLSX exports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.competencies.models import PositionStandard
from kinerja.core.errors import KinerjaError
from kinerja.jobs.files import output_save
from kinerja.jobs.models import Job
from kinerja.organisation.models import Position
from kinerja.results.models import EmployeeResult

from . import exports, selectors
from .candidates import describe_candidates, follow_up
from .ranking import Candidate, CandidateGap, RankedCandidate
from .selectors import CandidateRow

Progress = Callable[[str, int], None]
RANKING_FORMAT = 1


def candidates_size(cycle: Cycle | None) -> int:
    """The people a ranking weighs: everyone with a result in the final cycle (as the stored
    summary counts them, read with the cycle when it was fetched with its result)."""
    if cycle is None:
        return 0
    # The compute stores the employees' results and this summary in one transaction, so a
    # cycle without its CycleResult has no results written the usual way (a hand-made one).
    result = getattr(cycle, "result", None)
    if result is None:
        return 0
    employees = (result.summary or {}).get("employees")
    if isinstance(employees, int):
        return employees
    return EmployeeResult.objects.filter(cycle=cycle).count()


def ranking_key(*, cycle: Cycle, target: Position) -> str:
    """What a stored ranking was made from: the final cycle and the target's standard, minimum
    golongan and type; any change of these makes a new key, so an old ranking is not shown."""
    standard = sorted(
        PositionStandard.objects.filter(position=target).values_list(
            "competency__code", "required_level"
        )
    )
    basis = json.dumps([standard, target.min_grade, target.position_type])
    return f"{cycle.pk}:{hashlib.sha256(basis.encode()).hexdigest()[:24]}"


def ranking_job(*, agency: Any, cycle: Cycle, target: Position) -> Job | None:
    """The latest ranking job for the target on the current basis (whatever its state)."""
    return Job.objects.filter(
        agency=agency,
        kind=Job.Kind.CANDIDATES,
        target_id=target.pk,
        key=ranking_key(cycle=cycle, target=target),
    ).first()


def _dump(row: CandidateRow) -> dict[str, Any]:
    r, c = row.ranked, row.ranked.candidate
    return {
        "key": c.key,
        "grade_rank": c.grade_rank,
        "position_level": c.position_level,
        "predikat": c.predikat,
        "scores": dict(c.scores),
        "errors": dict(c.errors),
        "jpm": r.jpm,
        "readiness": r.readiness,
        "gaps": [[g.competency, g.score, g.required] for g in r.gaps],
        "ineligible": list(r.ineligible),
        "missing": list(r.missing),
        "jpm_se": r.jpm_se,
        "rank": r.rank,
        "tied": r.tied,
    }


def _load(data: dict[str, Any], cycle_id: int) -> CandidateRow:
    candidate = Candidate(
        key=data["key"],
        grade_rank=data["grade_rank"],
        position_level=data["position_level"],
        predikat=data["predikat"],
        scores=data["scores"],
        errors=data["errors"],
    )
    ranked = RankedCandidate(
        candidate=candidate,
        jpm=data["jpm"],
        readiness=data["readiness"],
        gaps=tuple(CandidateGap(c, s, q) for c, s, q in data["gaps"]),
        ineligible=tuple(data["ineligible"]),
        missing=tuple(data["missing"]),
        jpm_se=data["jpm_se"],
        rank=data["rank"],
        tied=data["tied"],
    )
    return CandidateRow(ranked, cycle_id)


def ranking_dumps(rows: list[CandidateRow], *, cycle_id: int) -> bytes:
    return json.dumps(
        {"format": RANKING_FORMAT, "cycle_id": cycle_id, "rows": [_dump(r) for r in rows]},
        separators=(",", ":"),
    ).encode()


def ranking_loads(content: bytes) -> list[CandidateRow]:
    data = json.loads(content)
    if data.get("format") != RANKING_FORMAT:
        raise KinerjaError("ranking_stale", _("Peringkat tersimpan sudah usang; hitung ulang."))
    return [_load(row, data["cycle_id"]) for row in data["rows"]]


def stored_ranking(job: Job) -> list[CandidateRow]:
    """The ranked rows a done ranking job kept (the same rows candidates_for returned)."""
    with job.output_file.open("rb") as stored:
        return ranking_loads(stored.read())


def _target_and_cycle(job: Job) -> tuple[Position, Cycle]:
    target = Position.objects.get(pk=job.target_id, agency_id=job.agency_id)
    cycle = selectors.final_cycles(agency=job.agency).first()
    if cycle is None or cycle.pk != job.params.get("cycle_id", cycle.pk):
        raise KinerjaError(
            "cycle_changed",
            _("Siklus final terbaru sudah berganti sejak pekerjaan ini dimulai; mulai lagi."),
        )
    return target, cycle


def candidates_job(job: Job, progress: Progress) -> tuple[str, str]:
    """The background job "Peringkat kandidat jabatan": ranks everyone against the target and
    keeps the ranked rows (not their words: the page describes the rows it shows)."""
    target, cycle = _target_and_cycle(job)
    progress(_("Memuat nilai %(n)d pegawai") % {"n": candidates_size(cycle)}, 10)
    ranked = selectors.candidates_for(agency=job.agency, target=target)
    progress(_("Menyimpan peringkat"), 85)
    output_save(
        job, name="peringkat.json", content=ranking_dumps(ranked, cycle_id=cycle.pk), download=False
    )
    eligible = sum(1 for row in ranked if row.ranked.eligible)
    message = _("Peringkat dihitung: %(n)d pegawai, %(e)d memenuhi syarat.") % {
        "n": len(ranked),
        "e": eligible,
    }
    return message, reverse("talent:candidates") + f"?jabatan={target.pk}"


def talent_export_job(job: Job, progress: Progress) -> tuple[str, str]:
    """The background job "Ekspor talenta": a box's list, the succession pool or the candidates
    of a position, as the page's link makes them (params: what, box, unit_id, position_type)."""
    what = job.params.get("what")
    if what == "candidates":
        target, cycle = _target_and_cycle(job)
        progress(_("Memeringkat kandidat"), 10)
        ranked = selectors.candidates_for(agency=job.agency, target=target)
        progress(_("Menjelaskan gap dan pelatihan"), 50)
        lines = describe_candidates(selectors.numbered(ranked), agency=job.agency)
        progress(_("Menulis berkas"), 85)
        content = exports.candidates_xlsx(lines=lines, target=target, cycle=cycle)
        count = len(lines)
    else:
        from .views import box_title  # the page's own title of the box

        cycle = Cycle.objects.get(pk=job.target_id, agency_id=job.agency_id)
        rows = selectors.board_results(
            cycle=cycle,
            unit_id=job.params.get("unit_id"),
            position_type=job.params.get("position_type", ""),
        )
        if what == "box":
            box = int(job.params["box"])
            rows, title = rows.filter(nine_box=box), box_title(box)
        else:
            rows = selectors.succession_pool(rows).order_by(
                "-nine_box", "employee__name", "employee_id"
            )
            title = _("Kelompok rencana suksesi (kotak 7–9)")
        progress(_("Menulis berkas"), 20)
        content = exports.members_xlsx(rows=rows, title=title, cycle=cycle, follow_up=follow_up)
        count = rows.count()
    output_save(job, name=job.params.get("filename") or "talenta.xlsx", content=content)
    return _("Ekspor talenta siap: %(n)d baris.") % {"n": count}, ""
