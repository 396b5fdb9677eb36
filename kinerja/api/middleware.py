"""Every answer under /api/ is JSON in the one error shape, also where ninja is not reached:
an unknown path (Django's 404) or a method the path does not take (405)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MESSAGES = {
    404: ("not_found", lambda: _("Data tidak ditemukan.")),
    405: ("method_not_allowed", lambda: _("Metode HTTP ini tidak didukung untuk alamat ini.")),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        response = self.get_response(request)
        known = MESSAGES.get(response.status_code)
        if known and not response.get("Content-Type", "").startswith("application/json"):
            code, message = known
            shaped = JsonResponse(
                {"error": {"code": code, "message": message()}}, status=response.status_code
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
