"""API authentication: a personal token in `Authorization: Bearer …`, or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from kinerja.core import permissions, throttle
from kinerja.core.errors import KinerjaError
from kinerja.core.models import Membership
from kinerja.core.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Raises TooManyAttempts (429) for an address past its limit of failed tokens.
        api_token = token_authenticate(token, client_address=throttle.client_ip(request))
        if api_token is None:
            return None
        if not permissions.token_allows_method(api_token, request.method or ""):
            raise KinerjaError(
                "read_only_token",
                _("Token ini hanya untuk membaca; gunakan token baca-tulis untuk mengubah data."),
                status=403,
            )
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
