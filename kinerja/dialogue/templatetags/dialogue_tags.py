"""Small includes of dialog kinerja on other apps' pages: the employee's result page (when it
took place and what was agreed) and the home page (links, what waits for the employee)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.core import permissions

from .. import selectors
from ..models import Dialogue

register = template.Library()


@register.inclusion_tag("dialogue/_on_result.html", takes_context=True)
def dialogue_on_result(context: Any, cycle: Any, employee: Any) -> dict[str, Any]:
    request = context.get("request")
    if request is None or cycle is None or employee is None:
        return {"show": False}
    dialogue = selectors.dialogue_of(cycle=cycle, employee=employee)
    show = dialogue is not None and permissions.can_view_dialogue(
        request.user, dialogue, content_visible=selectors.content_visible(cycle)
    )
    return {"show": show, "dialogue": dialogue}


@register.inclusion_tag("dialogue/_home.html", takes_context=True)
def dialogue_home(context: Any) -> dict[str, Any]:
    request = context.get("request")
    agency = getattr(request, "agency", None)
    if request is None or agency is None:
        return {"links": []}
    links = []
    waiting = to_schedule = 0
    me = permissions.employee_of(request.user)
    if me is not None and me.agency_id == agency.pk:
        waiting = Dialogue.objects.filter(employee=me, status=Dialogue.Status.RECORDED).count()
        links.append((_("Dialog saya"), reverse("dialogue:mine")))
        if me.subordinates.exists():
            links.append((_("Dialog tim"), reverse("dialogue:team")))
            to_schedule = _waiting_for_schedule(agency, me)
    if permissions.can_view_dialogue_counts(request.user, agency):
        links.append((_("Rekap dialog"), reverse("dialogue:completion")))
    return {"links": links, "waiting": waiting, "to_schedule": to_schedule}


def _waiting_for_schedule(agency: Any, me: Any) -> int:
    """The in-app reminder: active team members whose result exists in the latest cycle with
    results and who have no dialogue there yet."""
    cycle = selectors.cycles_with_results(agency=agency).first()
    if cycle is None:
        return 0
    rows = selectors.team_rows(cycle=cycle, supervisor=me)
    return sum(1 for row in rows if row.state == "siap")
