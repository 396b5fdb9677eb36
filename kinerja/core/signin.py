"""The sign-in lockout (django-axes): the authentication backend and the lockout hook."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: refuses an account locked for the
    caller's address before any password is checked.

    A lockout belongs to an account *and an address*; a call without a request (the test
    client's `login()`, a script) has no address, so there is nothing to check and the password
    backend decides alone. Every sign-in over HTTP passes its request (Django's LoginView and
    the admin's login both do), so this opens nothing to the network."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_user_locked_out(sender: Any, request: HttpRequest, username: str, ip_address: str, **kw):
    """axes' `user_locked_out` signal: axes is the producer, the service writes the audit event.
    axes also sends it for each refused attempt during a lockout; only the failure that started
    it has a failure count on the request."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    from .services import login_lockout_record

    login_lockout_record(username=username or "", ip_address=ip_address or "")
