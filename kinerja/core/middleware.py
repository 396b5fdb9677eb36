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
            membership = Membership.objects.select_related("agency").filter(user_id=user.pk).first()
            if membership is not None:
                user.membership = membership  # reuse for permissions without another query
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
