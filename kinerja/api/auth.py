"""API authentication: a personal token in `Authorization: Bearer …`, or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from kinerja.core.models import Membership
from kinerja.core.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        membership = Membership.objects.select_related("agency").filter(user=user).first()
        if membership is None or membership.agency_id != api_token.agency_id:
            return None
        user.membership = membership
        request.user = user
        request.agency = membership.agency  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The web session, so the browsable docs work for a signed-in user (CSRF checked)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(request, "agency", None) is not None
        ):
            return user
        return None
