"""Template tags of the communication pages: whom a participant can ask (the agency's HR)."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.core.models import Membership

register = template.Library()

MAX_CONTACTS = 5


@register.simple_tag(takes_context=True)
def hr_contacts(context: dict[str, Any]) -> list[dict[str, str]]:
    """The agency's HR admins (name and e-mail), at most MAX_CONTACTS; one query. Empty for a
    visitor without an agency: the page then names the agency's HR in general words."""
    request = context.get("request")
    agency = getattr(request, "agency", None)
    if agency is None:
        return []
    admins = (
        Membership.objects.filter(agency=agency, role=Membership.Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__username")[:MAX_CONTACTS]
    )
    return [
        {"name": m.user.get_full_name() or m.user.username, "email": m.user.email} for m in admins
    ]
