"""Puts the signed-in user's membership and agency on the request, loaded once."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import Membership


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.agency = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = (
                Membership.objects.select_related("agency").filter(user_id=user.pk).first()
            )
            if membership is not None:
                user.membership = membership  # reuse for permissions without another query
                request.membership = membership  # type: ignore[attr-defined]
                request.agency = membership.agency  # type: ignore[attr-defined]
        return self.get_response(request)
