"""Raters' pages: my tasks, a cycle's purpose and the FAQ, the form with autosave, rating hasil
kerja of one's team, and peer proposals. Only the rater ever sees a form or its answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kinerja.core import permissions, rows
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import show_error
from kinerja.organisation.models import Employee

from . import selectors, services
from .forms_rater import WorkResultForm
from .models import (
    Acknowledgement,
    Cycle,
    PeerProposal,
    RaterAssignment,
    Relation,
    Response,
    WorkResult,
)

# What the rater is to the ratee, said to the rater.
RELATION_LABELS: dict[str, Any] = {
    Relation.SELF: gettext_lazy("Penilaian diri"),
    Relation.SUPERVISOR: gettext_lazy("Anda sebagai atasan"),
    Relation.PEER: gettext_lazy("Anda sebagai rekan kerja"),
    Relation.SUBORDINATE: gettext_lazy("Anda sebagai bawahan"),
}
BEHAVIOUR_SCALE = [
    (1, gettext_lazy("Sangat di bawah ekspektasi")),
    (2, gettext_lazy("Di bawah ekspektasi")),
    (3, gettext_lazy("Sesuai ekspektasi")),
    (4, gettext_lazy("Di atas ekspektasi")),
    (5, gettext_lazy("Sangat di atas ekspektasi")),
]
CANNOT_RATE = "na"
RELATION_GROUP_LABELS: dict[str, Any] = {
    Relation.SUPERVISOR: gettext_lazy("Atasan"),
    Relation.PEER: gettext_lazy("Rekan kerja"),
    Relation.SUBORDINATE: gettext_lazy("Bawahan"),
    Relation.SELF: gettext_lazy("Diri sendiri"),
}


# --- reads of these pages ----------------------------------------------------------------------


def _me(request: AgencyRequest) -> Employee | None:
    """The signed-in person's employee record in their own agency, or None."""
    me = permissions.employee_of(request.user)
    if me is None or request.agency is None or me.agency_id != request.agency.pk:
        return None
    return me


def _require_me(request: AgencyRequest) -> Employee:
    me = _me(request)
    if me is None:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return me


def _participant_cycle(request: AgencyRequest, cycle_id: int) -> Cycle:
    """A cycle of the person's agency that has been opened to participants (not a draft)."""
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    if cycle.status == Cycle.Status.DRAFT:
        raise Http404
    return cycle


def _assignment_or_404(
    request: AgencyRequest, assignment_id: int, *, page: bool = False
) -> RaterAssignment:
    """The form, for its rater only; anyone else (admins included) gets "not found". The page
    loads the ratee's position and unit, which it shows; a save or submit loads only what it
    needs, in one statement (selectors.form_assignment), its agency being the request's."""
    if page:
        assignment = (
            RaterAssignment.objects.select_related(
                "cycle__agency", "ratee", "ratee__position", "ratee__unit"
            )
            .defer(*(f"cycle__{name}" for name in selectors.FROZEN_FIELDS))
            .filter(pk=assignment_id)
            .first()
        )
    else:
        assignment = selectors.form_assignment(assignment_id)
    if (
        assignment is None
        or not permissions.can_fill_assignment(request.user, assignment)
        or assignment.cycle.status == Cycle.Status.DRAFT
    ):
        raise Http404
    cycle = assignment.cycle
    if page:
        selectors.with_frozen(cycle)
    elif request.agency is not None and request.agency.pk == cycle.agency_id:
        rows.relate(cycle, "agency", request.agency)  # the rater's own (can_fill_assignment)
    return assignment


def _user_id(request: AgencyRequest) -> int:
    """The signed-in user's id (every page here is behind login_required)."""
    return int(request.user.pk or 0)


def _safe_next(request: AgencyRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and ok else default


@dataclass
class TaskRow:
    """One form owed: the assignment and the state of its answer (new, draft, submitted)."""

    assignment: RaterAssignment
    state: str

    @property
    def relation_label(self) -> Any:
        return RELATION_LABELS[self.assignment.relation]


@dataclass
class CycleTasks:
    """One running cycle on the "my tasks" page: the forms owed and what else the person can do."""

    cycle: Cycle
    rows: list[TaskRow] = field(default_factory=list)
    acknowledged: bool = False
    is_ratee: bool = False
    colleagues: list[Employee] = field(default_factory=list)
    more_colleagues: bool = False  # more match than are listed: a search narrows them
    my_proposals: list[PeerProposal] = field(default_factory=list)
    pending_from_team: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.state == "submitted")

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def _state(assignment: RaterAssignment) -> str:
    try:
        response = assignment.response
    except Response.DoesNotExist:
        return "new"
    return "submitted" if response.is_submitted else "draft"


def _tasks_of(
    me: Employee, *, user_id: int, has_team: bool, peer_query: str = ""
) -> list[CycleTasks]:
    """The forms `me` owes in running cycles, grouped by cycle; a fixed number of queries."""
    groups: dict[int, CycleTasks] = {}
    for assignment in selectors.assignments_of_rater(rater=me):
        group = groups.setdefault(assignment.cycle_id, CycleTasks(cycle=assignment.cycle))
        group.rows.append(TaskRow(assignment, _state(assignment)))
        if assignment.relation == Relation.SELF:
            group.is_ratee = True
    if not groups:
        return []
    ids = list(groups)
    for cycle_id in Acknowledgement.objects.filter(user_id=user_id, cycle_id__in=ids).values_list(
        "cycle_id", flat=True
    ):
        groups[cycle_id].acknowledged = True
    if any(g.is_ratee for g in groups.values()) and me.supervisor_id:
        taken: dict[int, set[int]] = {i: set() for i in ids}
        # Only the colleagues already proposed are left out: leaving out current raters would
        # reveal who the ratee's anonymous peers and subordinates are.
        for proposal in (
            PeerProposal.objects.filter(ratee=me, cycle_id__in=ids)
            .select_related("peer")
            .order_by("id")
        ):
            groups[proposal.cycle_id].my_proposals.append(proposal)
            taken[proposal.cycle_id].add(proposal.peer_id)
        # One unit's colleagues (or a search's matches), not the whole agency: a ministry has
        # 100,000 of them and the page is opened on phones.
        colleagues = selectors.peer_candidates(me=me, query=peer_query)
        more = len(colleagues) > selectors.PEER_CHOICES
        colleagues = colleagues[: selectors.PEER_CHOICES]
        for group in groups.values():
            if group.is_ratee:
                group.colleagues = [c for c in colleagues if c.pk not in taken[group.cycle.pk]]
                group.more_colleagues = more
    if has_team:
        for row in (
            PeerProposal.objects.filter(
                cycle_id__in=ids, ratee__supervisor=me, status=PeerProposal.Status.PENDING
            )
            .values("cycle_id")
            .annotate(n=Count("id"))
        ):
            groups[row["cycle_id"]].pending_from_team = row["n"]
    return list(groups.values())


@dataclass
class ItemRow:
    """One item of the form as the page shows it, with the rater's current answer."""

    index: int
    item: dict[str, Any]
    value: str = ""
    comment: str = ""
    missing: bool = False

    @property
    def anchor(self) -> str:
        return f"butir-{self.index}"

    @property
    def code(self) -> str:
        return self.item["code"]

    @property
    def is_competency(self) -> bool:
        return self.item["kind"] == "competency"

    @property
    def options(self) -> list[dict[str, Any]]:
        """The levels to choose from: behaviour-anchored for a competency, the 1–5 expectation
        scale for a BerAKHLAK value."""
        if self.is_competency:
            return [
                {
                    "value": str(lv["level"]),
                    "label": _("Level %(n)d") % {"n": lv["level"]},
                    "title": lv["title"],
                    "indicators": lv.get("indicators", []),
                }
                for lv in self.item["levels"]
            ]
        return [
            {"value": str(n), "label": str(n), "title": label, "indicators": []}
            for n, label in BEHAVIOUR_SCALE
        ]


def _item_rows(
    assignment: RaterAssignment, response: Response | None, missing: set[str]
) -> list[ItemRow]:
    stored = {ri.item: ri for ri in response.items.all()} if response else {}
    rows = []
    for index, item in enumerate(
        services.items_for_ratee(assignment.cycle, assignment.ratee), start=1
    ):
        answer = stored.get(item["code"])
        value = ""
        if answer is not None:
            value = CANNOT_RATE if answer.cannot_rate else str(answer.level or "")
        rows.append(
            ItemRow(
                index=index,
                item=item,
                value=value,
                comment=answer.comment if answer else "",
                missing=item["code"] in missing,
            )
        )
    return rows


def _response_of(assignment: RaterAssignment) -> Response | None:
    return Response.objects.filter(assignment=assignment).prefetch_related("items").first()


def _answers(post: Any, assignment: RaterAssignment) -> dict[str, services.Answer]:
    """The whole form as posted: every item with a choice or a comment field."""
    answers: dict[str, services.Answer] = {}
    for item in services.items_for_ratee(assignment.cycle, assignment.ratee):
        code = item["code"]
        value = post.get(f"item-{code}", "")
        comment = post.get(f"comment-{code}")
        if value == CANNOT_RATE:
            answers[code] = services.Answer(cannot_rate=True, comment=comment or "")
        elif value:
            if not value.isdigit():
                raise KinerjaError("invalid", _("Nilai harus 1 sampai 5."))
            answers[code] = services.Answer(level=int(value), comment=comment or "")
        elif comment is not None:
            answers[code] = services.Answer(comment=comment)
    return answers


def _locked_reason(cycle: Cycle, response: Response | None) -> str:
    if response is not None and response.is_submitted:
        return _("Formulir ini sudah dikirim dan terkunci; jawaban tidak dapat diubah lagi.")
    if cycle.status != Cycle.Status.RUNNING:
        return _("Siklus ini sudah ditutup; jawaban tidak dapat diubah.")
    if not cycle.is_open:
        return _("Batas pengisian sudah lewat; jawaban tidak dapat diubah.")
    return ""


def _render_form(
    request: AgencyRequest, assignment: RaterAssignment, *, missing: set[str] | None = None
) -> HttpResponse:
    response = _response_of(assignment)
    items = _item_rows(assignment, response, missing or set())
    locked = _locked_reason(assignment.cycle, response)
    return render(
        request,
        "assessment/rater/form.html",
        {
            "assignment": assignment,
            "cycle": assignment.cycle,
            "ratee": assignment.ratee,
            "is_self": assignment.relation == Relation.SELF,
            "relation_label": RELATION_LABELS[assignment.relation],
            "response": response,
            "items": items,
            "missing_items": [row for row in items if row.missing],
            "locked_reason": locked,
            "editable": not locked,
            "behaviour_scale": BEHAVIOUR_SCALE,
            "cannot_rate": CANNOT_RATE,
        },
    )


def _acknowledge_first(request: AgencyRequest, assignment: RaterAssignment) -> HttpResponse | None:
    """Purpose before anything else: the form opens only after the cycle's purpose was read."""
    if selectors.has_acknowledged(cycle=assignment.cycle, user=request.user):
        return None
    return _to_purpose(assignment)


def _to_purpose(assignment: RaterAssignment) -> HttpResponse:
    target = reverse("assessment:cycle_purpose", args=[assignment.cycle_id])
    form_url = reverse("assessment:form", args=[assignment.pk])
    return redirect(f"{target}?next={form_url}")


def _team_in_cycle(me: Employee, cycle: Cycle) -> list[Employee]:
    """Direct subordinates of `me` who are assessed in this cycle."""
    return list(
        Employee.objects.filter(
            agency_id=me.agency_id,
            supervisor=me,
            assignments_as_ratee__cycle=cycle,
            assignments_as_ratee__relation=Relation.SELF,
        )
        .select_related("position", "unit")
        .order_by("name")
    )


# --- pages -------------------------------------------------------------------------------------


@login_required
def team_progress(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """A supervisor's view of their team's completion: forms about each member (by rater group,
    counts only) and the forms each member owes. Never an answer, never who submitted what."""
    me = _require_me(request)
    cycle = _participant_cycle(request, cycle_id)
    team = _team_in_cycle(me, cycle)
    if not team:
        raise Http404
    ids = [e.pk for e in team]
    return render(
        request,
        "assessment/rater/team_progress.html",
        {
            "cycle": cycle,
            "about_team": selectors.progress(cycle=cycle, ratee_ids=ids),
            "raters": selectors.rater_progress(cycle=cycle, rater_ids=ids).annotate(
                not_started=F("owed") - F("submitted") - F("drafted")
            ),
        },
    )


@login_required
def my_tasks(request: AgencyRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return render(request, "assessment/rater/my_tasks.html", {"me": None, "groups": []})
    has_team = me.subordinates.exists()
    peer_query = request.GET.get("rekan", "")
    groups = _tasks_of(me, user_id=_user_id(request), has_team=has_team, peer_query=peer_query)
    context = {"me": me, "groups": groups, "has_team": has_team, "peer_query": peer_query}
    if getattr(request, "htmx", False) and "rekan" in request.GET:
        # The search box's live answer: only the list of colleagues of the cycle asked for.
        group = next((g for g in groups if str(g.cycle.pk) == request.GET.get("siklus")), None)
        if group is None or not group.is_ratee:
            raise Http404
        return render(request, "assessment/rater/_peer_select.html", {**context, "group": group})
    return render(request, "assessment/rater/my_tasks.html", context)


@login_required
def faq(request: AgencyRequest) -> HttpResponse:
    defaults = Cycle()  # never saved: only its field defaults are read
    return render(
        request,
        "assessment/rater/faq.html",
        {"weights": _weights(defaults), "threshold": defaults.anonymity_threshold},
    )


def _weights(cycle: Cycle) -> list[tuple[str, int]]:
    """The rater groups with their weight in percent, in the order people think of them."""
    weights = cycle.weights
    return [
        (str(RELATION_GROUP_LABELS[relation]), round(100 * weights[relation]))
        for relation in (Relation.SUPERVISOR, Relation.PEER, Relation.SUBORDINATE, Relation.SELF)
    ]


@login_required
def cycle_purpose(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = _participant_cycle(request, cycle_id)
    next_url = _safe_next(request, reverse("assessment:my_tasks"))
    if request.method == "POST":
        services.acknowledge(cycle=cycle, user=request.user)
        messages.success(request, _("Terima kasih. Anda sudah membaca tujuan siklus ini."))
        return redirect(next_url)
    return render(
        request,
        "assessment/rater/purpose.html",
        {
            "cycle": cycle,
            "acknowledgement": Acknowledgement.objects.filter(
                cycle=cycle, user_id=_user_id(request)
            ).first(),
            "next_url": next_url,
            "weights": _weights(cycle),
        },
    )


@login_required
def form(request: AgencyRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_or_404(request, assignment_id, page=True)
    return _acknowledge_first(request, assignment) or _render_form(request, assignment)


@require_POST
@login_required
def form_save(request: AgencyRequest, assignment_id: int) -> HttpResponse:
    """Saves a draft: the htmx autosave gets a status line, a plain post goes back to the form."""
    assignment = _assignment_or_404(request, assignment_id)
    htmx = bool(getattr(request, "htmx", False))
    status = "assessment/rater/_autosave_status.html"
    context: dict[str, Any] = {}
    try:
        answers = _answers(request.POST, assignment)
        response = services.response_save(
            assignment=assignment,
            answers=answers,
            strengths=request.POST.get("strengths"),
            to_develop=request.POST.get("to_develop"),
            acting_user=request.user,
        )
        context = {
            "saved_at": response.updated_at,
            "answered": _answered(answers),
            "total": len(services.items_for_ratee(assignment.cycle, assignment.ratee)),
        }
    except KinerjaError as error:
        # The service checks that the purpose was acknowledged (one query, not two per save).
        if error.code == "not_acknowledged":
            if not htmx:
                return _to_purpose(assignment)
            return render(request, status, {"error": _("Baca dulu tujuan siklus ini.")})
        if not htmx:
            show_error(request, error)
            return redirect("assessment:form", assignment.pk)
        context = {"error": error.message}
    if htmx:
        return render(request, status, context)
    messages.success(request, _("Draf tersimpan."))
    return redirect("assessment:form", assignment.pk)


def _answered(answers: dict[str, services.Answer]) -> int:
    return sum(1 for a in answers.values() if a.cannot_rate or a.level is not None)


@require_POST
@login_required
def form_submit(request: AgencyRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_or_404(request, assignment_id)

    def save(answers: dict[str, services.Answer], *, submit: bool) -> Response:
        return services.response_save(
            assignment=assignment,
            answers=answers,
            strengths=request.POST.get("strengths"),
            to_develop=request.POST.get("to_develop"),
            acting_user=request.user,
            submit=submit,
        )

    answers: dict[str, services.Answer] = {}
    try:
        answers = _answers(request.POST, assignment)
        save(answers, submit=True)
    except KinerjaError as error:
        if error.code == "not_acknowledged":  # checked by the service, once
            return _to_purpose(assignment)
        if error.code == "submitted":  # a double click or a retried request: the first stands
            messages.info(request, _("Formulir ini sudah terkirim sebelumnya."))
            return redirect("assessment:my_tasks")
        if error.code != "incomplete":
            show_error(request, error)
            return redirect("assessment:form", assignment.pk)
        # Keep what was filled in, then point at what is missing.
        save(answers, submit=False)
        show_error(request, error)
        return _render_form(request, assignment, missing={d["item"] for d in error.details})
    if assignment.relation == Relation.SELF:
        done = _("Terima kasih. Penilaian diri Anda sudah terkirim.")
    else:
        done = _("Terima kasih. Penilaian untuk %(name)s sudah terkirim.") % {
            "name": assignment.ratee.name
        }
    messages.success(request, done)
    return redirect("assessment:my_tasks")


@require_POST
@login_required
def peer_propose(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    me = _require_me(request)
    cycle = _participant_cycle(request, cycle_id)
    if not RaterAssignment.objects.filter(cycle=cycle, ratee=me).exists():
        raise Http404
    try:
        if me.supervisor_id is None:
            raise KinerjaError(
                "no_supervisor", _("Anda tidak memiliki atasan langsung yang dapat menyetujui.")
            )
        peer_id = request.POST.get("peer", "")
        peer = Employee.objects.filter(
            agency_id=me.agency_id, is_active=True, pk=int(peer_id) if peer_id.isdigit() else 0
        ).first()
        if peer is None:
            raise KinerjaError("invalid", _("Pilih rekan kerja dari daftar."))
        services.peer_propose(cycle=cycle, ratee=me, peer=peer, acting_user=request.user)
    except KinerjaError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Usulan rekan %(name)s dikirim ke atasan Anda untuk disetujui.")
            % {"name": peer.name},
        )
    return redirect("assessment:my_tasks")


@login_required
def peer_proposals(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    me = _require_me(request)
    cycle = _participant_cycle(request, cycle_id)
    if not me.subordinates.exists():
        raise Http404
    team_proposals = PeerProposal.objects.filter(cycle=cycle, ratee__supervisor=me)
    if request.method == "POST":
        raw = request.POST.get("proposal", "")
        proposal = team_proposals.filter(pk=int(raw) if raw.isdigit() else 0).first()
        decision = request.POST.get("decision")
        if proposal is None or decision not in ("setujui", "tolak"):
            raise Http404
        try:
            services.peer_decide(
                proposal=proposal,
                approve=decision == "setujui",
                decided_by=me,
                note=request.POST.get("note", "").strip(),
                acting_user=request.user,
            )
        except KinerjaError as error:
            if error.status == 404:
                raise Http404 from error
            show_error(request, error)
        else:
            done = _("disetujui") if decision == "setujui" else _("ditolak")
            messages.success(request, _("Usulan %(what)s.") % {"what": done})
        return redirect("assessment:peer_proposals", cycle.pk)
    proposals = list(
        team_proposals.select_related(
            "ratee", "ratee__position", "peer", "peer__position"
        ).order_by("ratee__name", "peer__name")
    )
    return render(
        request,
        "assessment/rater/peer_proposals.html",
        {
            "cycle": cycle,
            "pending": [p for p in proposals if p.status == PeerProposal.Status.PENDING],
            "decided": [p for p in proposals if p.status != PeerProposal.Status.PENDING],
            "editable": cycle.status == Cycle.Status.RUNNING,
        },
    )


@login_required
def work_results(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    me = _require_me(request)
    cycle = _participant_cycle(request, cycle_id)
    team = [
        e for e in _team_in_cycle(me, cycle) if permissions.can_rate_work_result(request.user, e)
    ]
    if not team:
        raise Http404
    stored = {w.employee_id: w for w in WorkResult.objects.filter(cycle=cycle, employee__in=team)}
    editable = cycle.status != Cycle.Status.FINAL
    data = request.POST if request.method == "POST" and editable else None
    rows = []
    for employee in team:
        current = stored.get(employee.pk)
        initial = (
            {"rating": current.rating, "justification": current.justification} if current else {}
        )
        rows.append(
            (
                employee,
                WorkResultForm(
                    data, prefix=f"p{employee.pk}", initial=initial, employee_name=employee.name
                ),
                current,
            )
        )
    if data is not None and all(f.is_valid() for _e, f, _c in rows):
        try:
            saved = _work_results_save(request, cycle, rows)
        except KinerjaError as error:
            show_error(request, error)
        else:
            messages.success(request, _("%(n)d rating hasil kerja tersimpan.") % {"n": saved})
            return redirect("assessment:work_results", cycle.pk)
    return render(
        request,
        "assessment/rater/work_results.html",
        {"cycle": cycle, "rows": rows, "editable": editable},
    )


@transaction.atomic
def _work_results_save(request: AgencyRequest, cycle: Cycle, rows: list) -> int:
    """All rows or none: a refusal on one leaves every rating as it was."""
    saved = 0
    for employee, row_form, current in rows:
        rating, text = row_form.cleaned_data["rating"], row_form.cleaned_data["justification"]
        if not rating or (current and (current.rating, current.justification) == (rating, text)):
            continue
        services.work_result_set(
            cycle=cycle,
            employee=employee,
            rating=rating,
            justification=text,
            acting_user=request.user,
        )
        saved += 1
    return saved


urlpatterns = [
    path("siklus/<int:cycle_id>/progres-tim/", team_progress, name="team_progress"),
    path("tugas/", my_tasks, name="my_tasks"),
    path("faq/", faq, name="faq"),
    path("siklus/<int:cycle_id>/tujuan/", cycle_purpose, name="cycle_purpose"),
    path("siklus/<int:cycle_id>/hasil-kerja/", work_results, name="work_results"),
    path("siklus/<int:cycle_id>/usulan-rekan/", peer_proposals, name="peer_proposals"),
    path("siklus/<int:cycle_id>/usulkan-rekan/", peer_propose, name="peer_propose"),
    path("formulir/<int:assignment_id>/", form, name="form"),
    path("formulir/<int:assignment_id>/simpan/", form_save, name="form_save"),
    path("formulir/<int:assignment_id>/kirim/", form_submit, name="form_submit"),
]
