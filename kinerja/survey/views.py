"""Acceptance survey pages: the participant's short form (once), HR's list of cycles with the
questions editor and the close step, and the published figures per unit with their trend."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required, show_error

from . import selectors, services
from .forms import AnswerForm, QuestionsForm


@agency_required(permissions.can_take_survey)
def answer(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    me = permissions.employee_of(request.user)
    if not selectors.is_participant(cycle=cycle, employee=me) or not selectors.is_open(cycle):
        raise Http404
    survey = selectors.survey_of(cycle)
    answered = selectors.has_answered(cycle=cycle, employee=me)
    closed = survey.is_closed or survey.past_last_day
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and not answered and not closed:
        if form.is_valid():
            try:
                services.survey_answer(
                    cycle=cycle,
                    employee=me,
                    answers=form.answers(),
                    free_text=form.cleaned_data["free_text"],
                    acting_user=request.user,
                )
                messages.success(
                    request, _("Terima kasih! Jawaban Anda tersimpan tanpa nama Anda.")
                )
                return redirect("home")
            except KinerjaError as error:
                show_error(request, error)
        else:
            messages.error(request, _("Jawab setiap pertanyaan dengan skala 1 sampai 5."))
    return render(
        request,
        "survey/answer.html",
        {"cycle": cycle, "survey": survey, "form": form, "answered": answered, "closed": closed},
    )


@agency_required(permissions.can_view_survey_results)
def manage(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "survey/manage.html",
        {
            "rows": selectors.surveys_of(agency=request.agency),
            "can_manage": permissions.can_manage_survey(request.user, request.agency),
        },
    )


@agency_required(permissions.can_manage_survey)
def questions(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    survey = selectors.survey_of(cycle)
    locked = selectors.is_open(cycle) or survey.is_closed
    if request.method == "POST" and not locked:
        form = QuestionsForm(request.POST)
        if form.is_valid():
            try:
                services.survey_questions_save(
                    cycle=cycle,
                    questions=form.parsed(),
                    free_text_prompt=form.cleaned_data["free_text_prompt"],
                    closes_on=form.cleaned_data["closes_on"],
                    acting_user=request.user,
                )
                messages.success(request, _("Pertanyaan survei disimpan."))
                return redirect("survey:manage")
            except KinerjaError as error:
                show_error(request, error)
    else:
        form = QuestionsForm(
            initial={
                "questions": QuestionsForm.as_text(survey.questions),
                "free_text_prompt": survey.free_text_prompt,
                "closes_on": survey.closes_on,
            }
        )
    return render(
        request, "survey/questions.html", {"cycle": cycle, "form": form, "locked": locked}
    )


@agency_required(permissions.can_manage_survey)
def close(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    """GET asks for confirmation (closing cannot be undone); POST closes and publishes."""
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    survey = selectors.survey_of(cycle)
    if request.method == "POST":
        try:
            services.survey_close(cycle=cycle, acting_user=request.user)
            messages.success(request, _("Survei ditutup; hasilnya kini dapat dilihat."))
            return redirect("survey:results", cycle_id=cycle.pk)
        except KinerjaError as error:
            show_error(request, error)
            return redirect("survey:manage")
    return render(
        request,
        "survey/close.html",
        {"cycle": cycle, "survey": survey, "open": selectors.is_open(cycle)},
    )


@agency_required(permissions.can_view_survey_results)
def results(request: AgencyRequest, cycle_id: int) -> HttpResponse:
    cycle = get_for_agency_or_404(Cycle, request.agency, pk=cycle_id)
    survey = selectors.survey_of(cycle)
    release = survey.release if survey.is_closed else {}
    questions = release.get("questions", [])
    return render(
        request,
        "survey/results.html",
        {
            "cycle": cycle,
            "survey": survey,
            "release": release,
            "questions": questions,
            "groups": [
                (g, [(q["text"], g["means"].get(q["key"])) for q in questions])
                for g in release.get("groups", [])
            ],
            "overall": [(q["text"], release["overall"]["means"].get(q["key"])) for q in questions]
            if release.get("overall")
            else [],
            "trend": selectors.trend(agency=request.agency) if survey.is_closed else None,
        },
    )
