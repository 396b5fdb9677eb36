"""The employee's own results (Hasil saya), the supervisor's team results (Hasil tim) and one
team member's results, where the supervisor confirms or changes the suggested rating perilaku.

Pages read the stored rows (EmployeeResult, CycleResult.policy); explain.py says how each number
was made. Anonymous groups below the threshold never reached those rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.assessment.models import Cycle, WorkResult
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error
from kinerja.organisation.models import Employee

from . import charts, explain, selectors, services
from .models import EmployeeResult, PerilakuDecision

COMMENT_SOURCES: list[tuple[str, Any]] = [
    ("atasan", gettext_lazy("Atasan")),
    ("anonim", gettext_lazy("Rekan & bawahan (anonim)")),
    ("diri", gettext_lazy("Diri sendiri")),
]
COMMENT_KINDS: dict[str, Any] = {
    "kekuatan": gettext_lazy("Kekuatan"),
    "pengembangan": gettext_lazy("Yang perlu dikembangkan"),
    "komentar": gettext_lazy("Komentar"),
}
# 9-box rows from the top (kinerja di atas … di bawah), columns potensial rendah … tinggi.
NINE_BOX_ROWS = [
    (gettext_lazy("Di atas ekspektasi"), (4, 7, 9)),
    (gettext_lazy("Sesuai ekspektasi"), (2, 5, 8)),
    (gettext_lazy("Di bawah ekspektasi"), (1, 3, 6)),
]


# --- what a result page shows -------------------------------------------------------------------


@dataclass
class ItemRow:
    """One competency or BerAKHLAK value of the employee, with its explanations."""

    code: str
    name: str
    item: dict[str, Any]
    means: str
    flags: list[str]
    low_agreement: bool
    explain_score: list[str]
    explain_gap: list[str]
    explain_agreement: list[str]
    explain_uncertainty: list[str] = field(default_factory=list)

    @property
    def band(self) -> str:
        """The score's 95 % interval as shown ("3,80–5,00"), "" without an error."""
        return explain.band(self.item.get("score"), self.item.get("se"))

    @property
    def score(self) -> float | None:
        return self.item.get("score")

    @property
    def required(self) -> int | None:
        return self.item.get("required")

    @property
    def gap(self) -> float | None:
        return self.item.get("gap")

    @property
    def meets(self) -> bool | None:
        return self.item.get("meets")

    @property
    def self_level(self) -> float | None:
        return self.item.get("self")

    @property
    def explain_all(self) -> list[str]:
        return (
            self.explain_score
            + self.explain_uncertainty
            + self.explain_gap
            + self.explain_agreement
        )

    @property
    def explain_behaviour(self) -> list[str]:
        return self.explain_score + self.explain_uncertainty + self.explain_agreement


@dataclass
class ResultPage:
    """Everything the shared result template needs, built from one stored row."""

    result: EmployeeResult
    policy: dict[str, Any]
    competencies: list[ItemRow]
    behaviours: list[ItemRow]
    radar: str
    comments: list[tuple[Any, list[dict[str, Any]]]]
    blind_spots: list[ItemRow]
    hidden_strengths: list[ItemRow]
    decision: PerilakuDecision | None
    explain_jpm: list[str]
    explain_perilaku: list[str]
    explain_hasil_kerja: list[str]
    explain_predikat: list[str]
    explain_nine_box: list[str]
    explain_self_view: list[str]
    nine_box_rows: list[tuple[Any, tuple[int, int, int]]] = field(
        default_factory=lambda: NINE_BOX_ROWS
    )

    @property
    def jpm_band(self) -> str:
        return explain.band(self.result.jpm, self.result.jpm_se, 0.0, 100.0)

    @property
    def nine_box_borderline(self) -> bool:
        """The JPM's 95 % interval reaches another category: the box is "di perbatasan"."""
        return self.result.nine_box_borderline(self.policy.get("jpm_categories", "penempatan"))

    @property
    def nine_box_follow_up(self) -> Any:
        return explain.NINE_BOX_FOLLOW_UP.get(self.result.nine_box or 0, "")

    @property
    def in_succession_pool(self) -> bool:
        return self.result.nine_box in explain.SUCCESSION_POOL


def item_names(cycle: Cycle) -> tuple[dict[str, str], list[str], set[str]]:
    """Names of the cycle's frozen items, their order, and the BerAKHLAK codes."""
    names = {item["code"]: item["name"] for item in cycle.items}
    order = [item["code"] for item in cycle.items]
    behaviour = {item["code"] for item in cycle.items if item.get("kind") == "behaviour"}
    return names, order, behaviour


def result_page(
    *,
    result: EmployeeResult,
    cycle: Cycle,
    policy: dict[str, Any],
    decision: Any,
    sigma: float | None = None,
) -> ResultPage:
    """The page of one stored result; `sigma` is the cycle's σ (CycleResult.summary
    ["reliability"]), which the uncertainty explanations quote."""
    names, order, behaviour = item_names(cycle)
    codes = [c for c in order if c in result.items] + sorted(
        c for c in result.items if c not in names
    )

    def row(code: str) -> ItemRow:
        item = result.items[code]
        return ItemRow(
            code=code,
            name=names.get(code, code),
            item=item,
            means=explain.group_means(item),
            flags=explain.flag_labels(item, policy),
            low_agreement=explain.is_low_agreement(item),
            explain_score=explain.item_score(item, policy),
            explain_gap=explain.gap(item),
            explain_agreement=explain.agreement(item, policy),
            explain_uncertainty=explain.uncertainty(item, policy, sigma),
        )

    rows = {code: row(code) for code in codes}
    competencies = [rows[c] for c in codes if c not in behaviour]
    behaviours = [rows[c] for c in codes if c in behaviour]
    return ResultPage(
        result=result,
        policy=policy,
        competencies=competencies,
        behaviours=behaviours,
        radar=_radar(competencies, result.employee.name),
        comments=_comments(result.comments, names),
        blind_spots=[rows[c] for c in result.blind_spots if c in rows],
        hidden_strengths=[rows[c] for c in result.hidden_strengths if c in rows],
        decision=decision,
        explain_jpm=explain.jpm(
            items=result.items,
            jpm_value=result.jpm,
            jpm_category=result.jpm_category,
            jpm_missing=result.jpm_missing,
            policy=policy,
            names=names,
        )
        + explain.jpm_uncertainty(
            jpm_value=result.jpm,
            jpm_se=result.jpm_se,
            jpm_category=result.jpm_category,
            policy=policy,
        ),
        explain_perilaku=explain.perilaku(
            items=result.items,
            behaviour_codes=[c for c in codes if c in behaviour],
            score=result.perilaku_score,
            suggested=result.perilaku_suggested,
            rating=result.perilaku_rating,
            policy=policy,
            decided=decision is not None,
        ),
        explain_hasil_kerja=explain.hasil_kerja(result.hasil_kerja),
        explain_predikat=explain.predikat(
            hasil_kerja=result.hasil_kerja, rating=result.perilaku_rating, value=result.predikat
        ),
        explain_nine_box=explain.nine_box(
            predikat_value=result.predikat,
            jpm_category=result.jpm_category,
            box=result.nine_box,
            borderline=result.nine_box_borderline(policy.get("jpm_categories", "penempatan")),
        ),
        explain_self_view=explain.self_view(policy),
    )


def _radar(rows: list[ItemRow], person: str) -> str:
    if len(rows) < 3:
        return ""
    scored = ", ".join(
        f"{r.name} {explain.num(r.score) if r.score is not None else '—'}" for r in rows
    )
    return charts.radar_svg(
        labels=[r.name for r in rows],
        series=[
            charts.Series("score", _("Nilai dari orang lain"), [r.score for r in rows]),
            charts.Series("self", _("Penilaian diri"), [r.self_level for r in rows]),
            charts.Series("required", _("Level standar"), [r.required for r in rows]),
        ],
        title=_("Profil kompetensi %(name)s") % {"name": person},
        desc=_(
            "Grafik radar skala 1–5: nilai dari orang lain, penilaian diri dan level standar "
            "jabatan per kompetensi. Nilai: %(values)s. Angka lengkap ada di tabel."
        )
        % {"values": scored},
    )


def _comments(
    comments: list[dict[str, Any]], names: dict[str, str]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    grouped: list[tuple[Any, list[dict[str, Any]]]] = []
    for source, label in COMMENT_SOURCES:
        entries = [
            {
                "kind": COMMENT_KINDS.get(c.get("kind", ""), c.get("kind", "")),
                "item": names.get(c.get("item", ""), c.get("item", "")),
                "text": c["text"],
            }
            for c in comments
            if c.get("source") == source
        ]
        if entries:
            grouped.append((label, entries))
    return grouped


def _page(result: EmployeeResult, cycle: Cycle, decision: Any) -> ResultPage:
    """result_page with the cycle's stored policy and σ (one query for both)."""
    stored = selectors.cycle_result(cycle=cycle)
    return result_page(
        result=result,
        cycle=cycle,
        policy=dict(stored.policy) if stored else {},
        decision=decision,
        sigma=((stored.summary or {}).get("reliability") or {}).get("sigma") if stored else None,
    )


def _is_final(cycle: Cycle) -> bool:
    return cycle.status == Cycle.Status.FINAL


def _me(request: AgencyRequest) -> Employee:
    me = permissions.employee_of(request.user)
    if me is None or me.agency_id != request.agency.pk:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return me


# --- Hasil saya ---------------------------------------------------------------------------------


@agency_required(permissions.is_member)
def my_results(request: AgencyRequest, cycle_id: int | None = None) -> HttpResponse:
    me = _me(request)
    cycles = list(selectors.cycles_with_results_for(employee=me))
    visible = [
        c for c in cycles if permissions.can_view_result(request.user, me, final=_is_final(c))
    ]
    if cycle_id is None:
        cycle = visible[0] if visible else None
    else:
        cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycles": visible,
        "waiting": [c for c in cycles if c not in visible],
        "has_team": me.subordinates.exists(),
        "employee": me,
        "own": True,
        "tendencies": selectors.rater_tendencies(rater=me),
    }
    if cycle is not None and cycle in visible:
        result = selectors.employee_result(cycle=cycle, employee=me)
        if result is not None:
            decision = PerilakuDecision.objects.filter(cycle=cycle, employee=me).first()
            context["page"] = _page(result, cycle, decision)
    return render(request, "results/me/my_results.html", context)


# --- Hasil tim ----------------------------------------------------------------------------------


@dataclass
class TeamRow:
    result: EmployeeResult
    decision: PerilakuDecision | None
    gaps: list[tuple[str, float | None, str]]  # (competency name, gap, css class)


def gap_class(value: float | None) -> str:
    """Background of a heatmap cell by gap (text values are always printed too)."""
    if value is None:
        return "gap-none"
    if value <= -1:
        return "gap-low2"
    if value < 0:
        return "gap-low1"
    if value == 0:
        return "gap-zero"
    return "gap-high"


@agency_required(permissions.is_member)
def team(request: AgencyRequest, cycle_id: int | None = None) -> HttpResponse:
    me = _me(request)
    if not me.subordinates.exists():
        raise Http404
    cycles = list(selectors.team_cycles(supervisor=me))
    if cycle_id is None:
        cycle = cycles[0] if cycles else None
    else:
        cycle = next((c for c in cycles if c.pk == cycle_id), None)
        if cycle is None:
            raise Http404
    rows: list[TeamRow] = []
    columns: list[tuple[str, str]] = []
    if cycle is not None:
        results = list(selectors.team_results(cycle=cycle, supervisor=me))
        decisions = selectors.perilaku_decisions(
            cycle=cycle, employee_ids=[r.employee_id for r in results]
        )
        names, order, behaviour = item_names(cycle)
        with_standard = {
            code
            for r in results
            for code, item in r.items.items()
            if item.get("required") is not None and code not in behaviour
        }
        columns = [(c, names.get(c, c)) for c in order if c in with_standard]
        for r in results:
            gaps = []
            for code, _name in columns:
                value = (r.items.get(code) or {}).get("gap")
                gaps.append((code, value, gap_class(value)))
            rows.append(TeamRow(result=r, decision=decisions.get(r.employee_id), gaps=gaps))
    return render(
        request,
        "results/me/team.html",
        {"cycle": cycle, "cycles": cycles, "rows": rows, "columns": columns},
    )


# --- one member: the same page, and the rating perilaku decision ---------------------------------


class PerilakuForm(forms.Form):
    rating = forms.ChoiceField(label=gettext_lazy("Rating perilaku"), choices=[])
    reason = forms.CharField(
        label=gettext_lazy("Alasan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Wajib diisi bila rating berbeda dari yang disarankan."),
    )

    def __init__(self, *args: Any, suggested: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(WorkResult.Rating.choices)
        self.suggested = suggested
        rating_field: forms.ChoiceField = self.fields["rating"]  # type: ignore[assignment]
        rating_field.choices = [
            (
                value,
                _("%(rating)s (disarankan)") % {"rating": labels[value]}
                if value == suggested
                else labels[value],
            )
            for value in WorkResult.Rating.values
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rating, reason = data.get("rating"), (data.get("reason") or "").strip()
        if rating and rating != self.suggested and not reason:
            self.add_error(
                "reason", _("Tuliskan alasan bila rating perilaku berbeda dari yang disarankan.")
            )
        return data


@agency_required(permissions.is_member)
def member(request: AgencyRequest, cycle_id: int, employee_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    employee = get_for_agency_or_404(
        Employee.objects.select_related("agency"), request.agency, pk=employee_id
    )
    if not permissions.can_view_result(request.user, employee, final=_is_final(cycle)):
        raise Http404
    result = selectors.employee_result(cycle=cycle, employee=employee)
    if result is None:
        raise Http404
    can_decide = permissions.can_decide_perilaku(request.user, employee)
    decision = PerilakuDecision.objects.filter(cycle=cycle, employee=employee).first()
    here = reverse("results:member", args=[cycle.pk, employee.pk])
    suggested = result.perilaku_suggested
    form = PerilakuForm(
        suggested=suggested,
        initial={
            "rating": result.perilaku_rating or suggested,
            "reason": decision.reason if decision else "",
        },
    )
    if request.method == "POST":
        if not can_decide:
            raise Http404
        form = PerilakuForm(request.POST, suggested=suggested)
        if form.is_valid():
            try:
                saved = services.perilaku_decide(
                    cycle=cycle,
                    employee=employee,
                    rating=form.cleaned_data["rating"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except KinerjaError as error:
                show_error(request, error)
                return redirect(here)
            messages.success(
                request,
                _("Rating perilaku disimpan. Predikat sekarang: %(predikat)s.")
                % {"predikat": saved.get_predikat_display() or _("belum ada")},
            )
            return redirect(here)
    me = permissions.employee_of(request.user)
    return render(
        request,
        "results/me/member.html",
        {
            "cycle": cycle,
            "employee": employee,
            "page": _page(result, cycle, decision),
            "form": form if can_decide else None,
            "editable": not _is_final(cycle),
            "is_supervisor": me is not None and employee.supervisor_id == me.pk,
            "can_view_agency": permissions.can_view_agency_results(request.user, request.agency),
            "own": False,
        },
    )


urlpatterns = [
    path("saya/", my_results, name="my_results"),
    path("saya/<int:cycle_id>/", my_results, name="my_results"),
    path("tim/", team, name="team"),
    path("tim/<int:cycle_id>/", team, name="team"),
    path("tim/<int:cycle_id>/<int:employee_id>/", member, name="member"),
]
