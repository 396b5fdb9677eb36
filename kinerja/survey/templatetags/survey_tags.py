"""The acceptance survey's invitation on the home and result pages, while it is open and not yet
answered by the caller (after the answer: never again)."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.core import permissions

from .. import selectors

register = template.Library()


@register.inclusion_tag("survey/_invitation.html", takes_context=True)
def survey_invitation(context: Any, *, manage: bool = False) -> dict[str, Any]:
    request = context.get("request")
    agency = getattr(request, "agency", None)
    if request is None or agency is None:
        return {"surveys": []}
    me = permissions.employee_of(request.user)
    surveys = []
    if me is not None and me.agency_id == agency.pk:
        surveys = selectors.open_surveys_for(employee=me)
    return {
        "surveys": surveys,
        "manage_link": manage and permissions.can_view_survey_results(request.user, agency),
    }
