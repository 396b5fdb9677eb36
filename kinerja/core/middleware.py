"""Puts the signed-in user's membership and agency on the request, loaded once."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from .models import Membership

RETRY_AFTER_SECONDS = 5


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached (a restart, a failover): a page for people, the
    one error shape for the API. Nothing was stored, so trying again is safe."""
    message = _("Basis data sedang tidak dapat dihubungi. Tidak ada yang tersimpan; coba lagi.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "database_unavailable", "message": message}}, status=503
        )
    else:
        # No request context: the context processors would load the session and the user, which
        # means the database again.
        page = render_to_string("503.html", {"message": message, "LANGUAGE_CODE": get_language()})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database outside a view (a middleware loading the session, saving it
    after the view) is a 503 too; anything else is Django's plain 500 page."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return defaults.server_error(request)


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into a clean 503 instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(request)
        return None


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.agency = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        membership = None
        try:  # the first database access of a request: the session and the user load here
            if user is not None and user.is_authenticated:
                # The employee record too (left join): permissions ask for it on most pages.
                membership = (
                    Membership.objects.select_related("agency", "user__employee")
                    .filter(user_id=user.pk)
                    .first()
                )
        except (OperationalError, InterfaceError):
            return database_unavailable(request)
        if user is not None and membership is not None:
            # Read before `user.membership = …`, which points membership.user at `user`.
            employee = getattr(membership.user, "employee", None)
            user.membership = membership  # reuse for permissions without another query
            # Cached on the request's user, None too ("no employee record" needs no query).
            get_user_model().employee.related.set_cached_value(user, employee)  # type: ignore[attr-defined]
            if employee is not None:
                employee.user = user
            request.membership = membership  # type: ignore[attr-defined]
            request.agency = membership.agency  # type: ignore[attr-defined]
        return self.get_response(request)


class LanguageMiddleware:
    """Indonesian unless the person chose English: the browser's Accept-Language is ignored,
    because agency PCs often run English browsers while the product speaks Indonesian first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
