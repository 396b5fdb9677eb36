"""API: the acceptance survey. The caller's open surveys and their one anonymous answer; for HR
the questions (editable until the survey opens) and the close step; for HR and leadership the
figures published at closing, per unit at or above the anonymity threshold, and their trend.
No endpoint returns anything per person."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from kinerja.assessment.models import Cycle
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError, NotFound
from kinerja.core.tenancy import get_for_agency
from kinerja.survey import selectors, services

from .common import Date, InputSchema, require
from .urls import api

router = Router(tags=["survei penerimaan"])


class QuestionSchema(Schema):
    key: str
    text: str


class QuestionIn(InputSchema):
    key: str
    text: str


class OpenSurveyOut(Schema):
    cycle_id: int
    cycle: str
    questions: list[QuestionSchema]
    free_text_prompt: str
    closes_on: dt.date | None


class SurveyOut(Schema):
    cycle_id: int
    cycle: str
    state: str  # "belum_dibuka" | "dibuka" | "ditutup"
    questions: list[QuestionSchema]
    free_text_prompt: str
    closes_on: dt.date | None
    answered: int  # how many have answered, agency-wide


class SurveyIn(InputSchema):
    questions: list[QuestionIn]
    free_text_prompt: str
    closes_on: Date | None = None


class AnswerIn(InputSchema):
    answers: dict[str, int]
    free_text: str = ""


class GroupOut(Schema):
    unit_id: int | None
    unit: str
    merged_units: list[str]
    respondents: int
    means: dict[str, float]
    free_texts: list[str]


class OverallOut(Schema):
    respondents: int
    means: dict[str, float]


class TrendCycleOut(Schema):
    cycle_id: int
    cycle: str
    overall: dict[str, float | None]


class ResultsOut(Schema):
    cycle_id: int
    threshold: int
    questions: list[QuestionSchema]
    overall: OverallOut | None
    groups: list[GroupOut]
    trend: list[TrendCycleOut]


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    return get_for_agency(Cycle, getattr(request, "agency", None), pk=cycle_id)


def _survey_out(cycle: Cycle) -> dict[str, Any]:
    survey = selectors.survey_of(cycle)
    state = (
        "ditutup" if survey.is_closed else "dibuka" if selectors.is_open(cycle) else "belum_dibuka"
    )
    rows = {r.cycle.pk: r for r in selectors.surveys_of(agency=cycle.agency)}
    return {
        "cycle_id": cycle.pk,
        "cycle": cycle.name,
        "state": state,
        "questions": survey.questions,
        "free_text_prompt": survey.free_text_prompt,
        "closes_on": survey.closes_on,
        "answered": rows[cycle.pk].participants if cycle.pk in rows else 0,
    }


@router.get("/surveys/open", response=list[OpenSurveyOut])
def open_surveys(request: HttpRequest):
    """The surveys the caller may still answer (open, taking part, not answered yet)."""
    me = permissions.employee_of(request.user)
    agency = getattr(request, "agency", None)
    if me is None or agency is None or me.agency_id != agency.pk:
        raise NotFound("Akun ini tidak terhubung dengan data pegawai.")
    return [
        {
            "cycle_id": cycle.pk,
            "cycle": cycle.name,
            "questions": survey.questions,
            "free_text_prompt": survey.free_text_prompt,
            "closes_on": survey.closes_on,
        }
        for cycle, survey in selectors.open_surveys_for(employee=me)
    ]


@router.post("/surveys/{int:cycle_id}/responses", response={201: None})
def answer(request: HttpRequest, cycle_id: int, payload: AnswerIn):
    """One anonymous answer per participant: every question 1–5, the free text optional. The
    answer gets no id in the reply (nothing to link back to the caller)."""
    agency = require(request, permissions.can_take_survey)
    cycle = get_for_agency(Cycle, agency, pk=cycle_id)
    me = permissions.employee_of(request.user)
    if not selectors.is_participant(cycle=cycle, employee=me):
        raise NotFound()
    services.survey_answer(
        cycle=cycle,
        employee=me,
        answers=payload.answers,
        free_text=payload.free_text,
        acting_user=request.user,
    )
    return Status(201, None)


@router.get("/surveys/{int:cycle_id}", response=SurveyOut)
def get_survey(request: HttpRequest, cycle_id: int):
    """A cycle's survey: questions, state, how many have answered (HR admin and leadership)."""
    require(request, permissions.can_view_survey_results)
    return _survey_out(_cycle(request, cycle_id))


@router.put("/surveys/{int:cycle_id}", response=SurveyOut)
def put_survey(request: HttpRequest, cycle_id: int, payload: SurveyIn):
    """HR admin: the questions (5–8, each a key and a text), the free-text prompt, the last day;
    only before the survey opens."""
    require(request, permissions.can_manage_survey)
    cycle = _cycle(request, cycle_id)
    services.survey_questions_save(
        cycle=cycle,
        questions=[q.model_dump() for q in payload.questions],
        free_text_prompt=payload.free_text_prompt,
        closes_on=payload.closes_on,
        acting_user=request.user,
    )
    return _survey_out(cycle)


@router.post("/surveys/{int:cycle_id}/close", response=SurveyOut)
def close(request: HttpRequest, cycle_id: int):
    """HR admin: closes the survey and publishes its figures once (irreversible)."""
    require(request, permissions.can_manage_survey)
    cycle = _cycle(request, cycle_id)
    services.survey_close(cycle=cycle, acting_user=request.user)
    return _survey_out(cycle)


@router.get("/surveys/{int:cycle_id}/results", response=ResultsOut)
def results(request: HttpRequest, cycle_id: int):
    """The figures published at closing (409 before): per unit group with at least the cycle's
    anonymity threshold of answers, the agency overall, the overall trend across closed surveys."""
    agency = require(request, permissions.can_view_survey_results)
    cycle = _cycle(request, cycle_id)
    survey = selectors.survey_of(cycle)
    if not survey.is_closed:
        raise KinerjaError(
            "survey_not_closed",
            "Hasil survei dipublikasikan setelah survei ditutup.",
            status=409,
        )
    release = survey.release
    overall = release.get("overall")
    trend = selectors.trend(agency=agency)
    return {
        "cycle_id": cycle.pk,
        "threshold": release["threshold"],
        "questions": release["questions"],
        "overall": {"respondents": overall["n"], "means": overall["means"]} if overall else None,
        "groups": [
            {
                "unit_id": g["head"],
                "unit": g["label"],
                "merged_units": g["merged"],
                "respondents": g["n"],
                "means": g["means"],
                "free_texts": g["texts"],
            }
            for g in release["groups"]
        ],
        "trend": [
            {
                "cycle_id": c.pk,
                "cycle": c.name,
                "overall": {key: values[i] for key, _text, values in trend["overall"]},
            }
            for i, c in enumerate(trend["cycles"])
        ],
    }


api.add_router("/v1/", router)
