"""Typing helpers shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import Agency, Membership


class AgencyRequest(HttpRequest):
    """A request after MembershipMiddleware. Views behind `agency_required` can rely on `agency`;
    elsewhere it is None for users without a membership."""

    agency: Agency
    membership: Membership | None
