"""`{% objection_section cycle employee %}`: the objection's state, or the "Ajukan keberatan"
button while the window is open, on the employee's own result page."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.core import permissions
from kinerja.objections import selectors

register = template.Library()


@register.inclusion_tag("objections/_result_section.html", takes_context=True)
def objection_section(context: dict[str, Any], cycle: Any, employee: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    objection = selectors.objection_for(cycle=cycle, employee=employee)
    window = selectors.filing_window(cycle=cycle)
    open_ = window.is_open()
    return {
        "cycle": cycle,
        "objection": objection,
        "window": window,
        "can_file": objection is None
        and permissions.can_file_objection(
            user, employee, released=window.released is not None, window_open=open_
        ),
        "closed": window.released is not None and not open_,
    }
