"""The HR admin's and the leadership's results pages: the agency's cycles, one cycle's results
(compute, finalise, rater correction, heatmap, predikat distribution, employee list), calibration,
flagged items and the exports. Pages read the stored snapshot; only the admin's buttons write,
through the services. Another agency's cycle, or a person without the right, gets 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kinerja.assessment.models import Cycle
from kinerja.assessment.services import cycle_update
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.jobs import services as jobs
from kinerja.jobs.models import Job
from kinerja.jobs.views import export_or_job
from kinerja.organisation.models import OrgUnit
from kinerja.organisation.selectors import unit_choices, unit_descendant_ids
from kinerja.scoring.policy import rater_model_of

from . import explain, exports, selectors, services
from .models import CycleResult, OrganisationPredikat, Predikat

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

view = agency_required(permissions.can_view_agency_results)
manage = agency_required(permissions.can_manage_results)

FLAG_LABELS: dict[str, Any] = {
    "tidak_ada_data": gettext_lazy("tidak ada penilaian yang dapat dihitung"),
    "anonim_dihapus": gettext_lazy(
        "masukan rekan/bawahan di bawah ambang anonimitas: tidak dihitung dan tidak ditampilkan"
    ),
    "anonim_digabung": gettext_lazy("rekan dan bawahan digabung agar tetap anonim"),
    "kesepakatan_rendah": gettext_lazy("kesepakatan antarpenilai rendah"),
}
PREDIKAT_LABELS = dict(Predikat.choices)
RATER_MODEL_LABELS: dict[str, Any] = dict(Cycle.RaterModel.choices)


def rater_model_of_policy(policy: dict[str, Any]) -> str:
    """The rater model a stored policy used (results before 1.1 only say rater_correction)."""
    return rater_model_of(policy.get("rater_model"), policy.get("rater_correction"))


ORGANISATION_LABELS = dict(OrganisationPredikat.choices)
RELATION_LABELS: dict[str, Any] = {
    "atasan": gettext_lazy("atasan"),
    "rekan": gettext_lazy("rekan"),
    "bawahan": gettext_lazy("bawahan"),
    "diri": gettext_lazy("diri sendiri"),
}


def flag_words(flags: list[str]) -> list[str]:
    return [str(FLAG_LABELS.get(code, code)) for code in flags]


def _cycle(request: AgencyRequest, cycle_id: int) -> Cycle:
    return get_for_agency_or_404(
        Cycle.objects.select_related("result", "agency"), request.agency, pk=cycle_id
    )


def _result(cycle: Cycle) -> CycleResult | None:
    return getattr(cycle, "result", None)  # reverse one-to-one: missing = not computed


def results_status_label(result: CycleResult | None) -> Any:
    if result is None:
        return _("Belum dihitung")
    return result.get_status_display()


# --- the agency's cycles -------------------------------------------------------------------------


@view
def agency(request: AgencyRequest) -> HttpResponse:
    cycles = selectors.agency_cycles_with_results(agency=request.agency)
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, _result(c), results_status_label(_result(c))) for c in page]
    return render(request, "results/admin/agency.html", {"page": page, "rows": rows})


# --- one cycle -----------------------------------------------------------------------------------


@dataclass
class HeatCell:
    gap: float | None
    n: int = 0
    below: int = 0

    @property
    def css(self) -> str:
        """Colour by the gap as shown: red below the standard, green above; text says the value."""
        if self.gap is None:
            return ""
        if self.gap <= -1:
            return "bg-danger text-white"
        if self.gap < -0.25:
            return "bg-danger-subtle"
        if self.gap <= 0.25:
            return "bg-light"
        if self.gap < 1:
            return "bg-success-subtle"
        return "bg-success text-white"


def heatmap(cycle: Cycle, result: CycleResult | None) -> dict[str, Any]:
    """Units × competencies of the stored mean gaps (CycleResult.summary["heatmap"])."""
    data: dict[str, dict[str, list]] = (result.summary.get("heatmap") or {}) if result else {}
    if not data:
        return {"columns": [], "rows": []}
    names = {item["code"]: item["name"] for item in cycle.items}
    order = [item["code"] for item in cycle.items]
    present = {code for cells in data.values() for code in cells}
    columns = [c for c in order if c in present] + sorted(present - set(order))
    units = dict(
        OrgUnit.objects.filter(agency=cycle.agency, pk__in=[int(k) for k in data]).values_list(
            "pk", "name"
        )
    )
    rows = []
    for unit_id, cells in sorted(data.items(), key=lambda kv: units.get(int(kv[0]), kv[0])):
        rows.append(
            (
                units.get(int(unit_id), unit_id),
                [HeatCell(*cells[c]) if c in cells else HeatCell(None) for c in columns],
            )
        )
    return {"columns": [(c, names.get(c, c)) for c in columns], "rows": rows}


def violation_text(organisation: str, violation: dict[str, Any]) -> str:
    """One broken SE 3/2023 rule in plain Indonesian, with the value as shown."""
    who = _(" atau ").join(str(PREDIKAT_LABELS.get(p, p)) for p in violation["predikat"])
    values = {
        "org": ORGANISATION_LABELS.get(organisation, organisation),
        "who": who,
        "limit": violation["limit_percent"],
        "actual": number_format(violation["actual_percent"], 2),
    }
    if violation["rule"] == "at_most":
        text = _(
            "Predikat organisasi %(org)s: paling banyak %(limit)s %% pegawai berpredikat "
            "%(who)s — saat ini %(actual)s %%"
        )
    elif violation["rule"] == "at_least":
        text = _(
            "Predikat organisasi %(org)s: paling sedikit %(limit)s %% pegawai berpredikat "
            "%(who)s — saat ini %(actual)s %%"
        )
    else:
        text = _(
            "Predikat organisasi %(org)s: harus ada pegawai berpredikat %(who)s — saat ini "
            "%(actual)s %%"
        )
    return text % values


def distribution(cycle: Cycle) -> dict[str, Any]:
    """Counts of predikat per unit, the predikat organisasi set, and the kurva checks."""
    by_unit = selectors.predikat_counts_by_unit(cycle=cycle)
    units = dict(
        OrgUnit.objects.filter(agency=cycle.agency, pk__in=list(by_unit)).values_list("pk", "name")
    )
    codes = list(PREDIKAT_LABELS)
    table = []
    for unit_id, counts in sorted(by_unit.items(), key=lambda kv: units.get(kv[0], "")):
        table.append(
            (units.get(unit_id, ""), [counts.get(c, 0) for c in codes], counts.get(None, 0))
        )
    checks = []
    for setting, dist in selectors.distribution_checks(cycle=cycle):
        total = sum(dist.counts.values())
        checks.append(
            {
                "label": dist.unit,
                "predikat": setting.get_predikat_display(),
                "total": total,
                "rows": [
                    (PREDIKAT_LABELS[c], dist.counts.get(c, 0), dist.percent.get(c, 0))
                    for c in codes
                ],
                "violations": [violation_text(setting.predikat, v) for v in dist.violations],
                "settings": setting,
            }
        )
    return {
        "headers": [PREDIKAT_LABELS[c] for c in codes],
        "table": table,
        "checks": checks,
    }


def predikat_form(cycle: Cycle, units: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """One select per unit (and the agency), with the current predikat organisasi."""
    current = {
        s.unit_id: s.predikat
        for s in cycle.unit_predikat.all()  # type: ignore[attr-defined]
    }
    rows = [{"field": "unit_agency", "label": str(cycle.agency), "value": current.get(None, "")}]
    rows += [
        {"field": f"unit_{pk}", "label": label, "value": current.get(pk, "")} for pk, label in units
    ]
    return rows


def _unit_filter(request: AgencyRequest) -> tuple[int | None, list[int] | None]:
    raw = request.GET.get("unit", "")
    if not raw.isdigit():
        return None, None
    unit_id = int(raw)
    return unit_id, unit_descendant_ids(agency=request.agency, unit_id=unit_id)


def _policy(cycle: Cycle, result: CycleResult | None) -> dict[str, Any]:
    """The policy of the last computation, or what the next one would use."""
    if result is not None:
        policy = dict(result.policy)
    else:
        policy = {
            "weights": {k: float(v) for k, v in cycle.weights.items()},
            "min_anonymous_raters": cycle.anonymity_threshold,
            "rater_model": cycle.rater_model,
            "jpm_categories": cycle.jpm_categories,
        }
    weights = policy.get("weights", {})
    return {
        "weights": [
            (RELATION_LABELS.get(r, r), round(100 * float(weights.get(r, 0))))
            for r in ("atasan", "rekan", "bawahan", "diri")
        ],
        "k": policy.get("min_anonymous_raters"),
        "rater_model": rater_model_of_policy(policy),
        "rater_model_label": RATER_MODEL_LABELS.get(rater_model_of_policy(policy), ""),
        "jpm_categories": dict(Cycle.JpmCategories.choices).get(
            policy.get("jpm_categories", ""), policy.get("jpm_categories", "")
        ),
    }


@view
def cycle_results(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    result = _result(cycle)
    search = request.GET.get("q", "").strip()
    unit_id, unit_ids = _unit_filter(request)
    employees = selectors.agency_results(cycle=cycle, search=search, unit_ids=unit_ids)
    can_manage = permissions.can_manage_results(request.user, request.agency)
    not_final = cycle.status != Cycle.Status.FINAL
    units = unit_choices(agency=request.agency)
    return render(
        request,
        "results/admin/cycle.html",
        {
            "cycle": cycle,
            "result": result,
            "status_label": results_status_label(result),
            "policy": _policy(cycle, result),
            "can_manage": can_manage,
            "can_compute": can_manage and not_final and cycle.status == Cycle.Status.CLOSED,
            "can_finalise": can_manage and not_final and result is not None,
            "can_change": can_manage and not_final and cycle.results_released_at is None,
            "rater_models": Cycle.RaterModel.choices,
            "job": Job.objects.filter(
                agency=request.agency, kind=Job.Kind.RESULTS_COMPUTE, target_id=cycle.pk
            ).first(),
            "heatmap": heatmap(cycle, result),
            "reliability": explain.cycle_reliability(
                (result.summary or {}).get("reliability") if result else None
            ),
            "distribution": distribution(cycle) if result else None,
            "predikat_rows": predikat_form(cycle, units) if can_manage and not_final else [],
            "organisation_choices": OrganisationPredikat.choices,
            "page": Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": search,
            "unit_id": unit_id,
            "units": units,
        },
    )


@manage
@require_POST
def compute(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """Starts (or joins) the compute job: a small cycle is computed here and now, a large one by
    the background worker, with its progress on the job's page."""
    cycle = _cycle(request, cycle_id)
    try:
        services.compute_check(cycle)
        people = selectors.ratee_count(cycle=cycle)
        job, _created = jobs.job_start(
            agency=request.agency,
            kind=Job.Kind.RESULTS_COMPUTE,
            target_id=cycle.pk,
            target_name=cycle.name,
            acting_user=request.user,
            inline=people <= jobs.inline_limit(),
        )
    except KinerjaError as error:
        show_error(request, error)
        return redirect("results:cycle", cycle_id=cycle.pk)
    if job.state == Job.State.DONE:
        messages.success(request, job.message)
    elif job.state == Job.State.FAILED:
        messages.error(request, job.error)
    else:
        return redirect("jobs:detail", job_id=job.pk)
    return redirect("results:cycle", cycle_id=cycle.pk)


@manage
def finalise(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    result = _result(cycle)
    if request.method == "POST":
        try:
            services.results_finalise(cycle=cycle, acting_user=request.user)
        except KinerjaError as error:
            show_error(request, error)
        else:
            messages.success(
                request,
                _("Hasil siklus %(name)s ditetapkan final.") % {"name": cycle.name},
            )
        return redirect("results:cycle", cycle_id=cycle.pk)
    return render(
        request,
        "results/admin/finalise_confirm.html",
        {
            "cycle": cycle,
            "result": result,
            "allowed": result is not None and cycle.status == Cycle.Status.CLOSED,
        },
    )


@manage
@require_POST
def rater_model(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    try:
        cycle = cycle_update(
            cycle=cycle, acting_user=request.user, rater_model=request.POST.get("rater_model", "")
        )
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Model penilai: %(model)s. Hitung hasil agar berlaku.")
            % {"model": cycle.get_rater_model_display()},
        )
    back = "results:calibration" if request.POST.get("back") == "kalibrasi" else "results:cycle"
    return redirect(back, cycle_id=cycle.pk)


@manage
@require_POST
def unit_predikat(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    units = {f"unit_{pk}": pk for pk, _label in unit_choices(agency=request.agency)}
    wanted: dict[int | None, str] = {}
    for key in request.POST:
        if key == "unit_agency":
            wanted[None] = request.POST.get(key, "")
        elif key in units:
            wanted[units[key]] = request.POST.get(key, "")
    try:
        changed = services.unit_predikat_set_many(
            cycle=cycle, values=wanted, acting_user=request.user
        )
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Predikat organisasi disimpan (%(n)d perubahan). Predikat pegawai tidak diubah.")
            % {"n": changed},
        )
    return redirect("results:cycle", cycle_id=cycle.pk)


# --- calibration and flagged items ---------------------------------------------------------------

BAND_LABELS = (
    gettext_lazy("jauh lebih pelit (b < −0,5)"),
    gettext_lazy("agak pelit (−0,5 ≤ b < −0,2)"),
    gettext_lazy("sejalan (−0,2 ≤ b < 0,2)"),
    gettext_lazy("agak murah hati (0,2 ≤ b < 0,5)"),
    gettext_lazy("jauh lebih murah hati (b ≥ 0,5)"),
)


@view
def calibration(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """The correction seen from above: bands and counts, never a named rater (rule 6)."""
    cycle = _cycle(request, cycle_id)
    result = _result(cycle)
    calibration = (result.summary.get("calibration") or {}) if result else {}
    bands = list(zip(BAND_LABELS, calibration.get("bands") or [], strict=False))
    return render(
        request,
        "results/admin/calibration.html",
        {
            "cycle": cycle,
            "result": result,
            "calibration": calibration,
            "bands": bands,
            "used_correction": bool(result and rater_model_of_policy(result.policy) != "none"),
            "used_model": RATER_MODEL_LABELS.get(rater_model_of_policy(result.policy), "")
            if result
            else "",
            "rater_models": Cycle.RaterModel.choices,
            "can_change": permissions.can_manage_results(request.user, request.agency)
            and cycle.status != Cycle.Status.FINAL
            and cycle.results_released_at is None,
        },
    )


@view
def flagged(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    names = {item["code"]: item["name"] for item in cycle.items}
    page = Paginator(selectors.flagged_results(cycle=cycle), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (
            r,
            [
                (code, names.get(code, code), flag_words(item["flags"]))
                for code, item in r.items.items()
                if item.get("flags")
            ],
        )
        for r in page
    ]
    return render(
        request,
        "results/admin/flagged.html",
        {"cycle": cycle, "result": _result(cycle), "page": page, "rows": rows},
    )


# --- exports ------------------------------------------------------------------------------------


@view
def export_xlsx(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    if _result(cycle) is None:
        raise Http404(_("Hasil siklus ini belum dihitung."))
    return export_or_job(
        request,
        kind=Job.Kind.RESULTS_EXPORT,
        target_id=cycle.pk,
        target_name=cycle.name,
        size=exports.result_count(cycle),
        build=lambda: exports.results_xlsx(cycle=cycle),
        filename=f"hasil-siklus-{cycle.pk}.xlsx",
    )


@view
def export_csv(request: AgencyRequest, cycle_id: int) -> StreamingHttpResponse:
    cycle = _cycle(request, cycle_id)
    if _result(cycle) is None:
        raise Http404(_("Hasil siklus ini belum dihitung."))
    response = StreamingHttpResponse(
        exports.results_csv(cycle=cycle), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="hasil-siklus-{cycle.pk}.csv"'
    return response


urlpatterns = [
    path("instansi/", agency, name="agency"),
    path("instansi/<int:cycle_id>/", cycle_results, name="cycle"),
    path("instansi/<int:cycle_id>/hitung/", compute, name="compute"),
    path("instansi/<int:cycle_id>/final/", finalise, name="finalise"),
    path("instansi/<int:cycle_id>/model-penilai/", rater_model, name="rater_model"),
    path("instansi/<int:cycle_id>/predikat-organisasi/", unit_predikat, name="unit_predikat"),
    path("instansi/<int:cycle_id>/kalibrasi/", calibration, name="calibration"),
    path("instansi/<int:cycle_id>/catatan/", flagged, name="flagged"),
    path("instansi/<int:cycle_id>/hasil.xlsx", export_xlsx, name="export_xlsx"),
    path("instansi/<int:cycle_id>/hasil.csv", export_csv, name="export_csv"),
]
