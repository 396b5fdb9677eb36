"""The JSON API (django-ninja): /api/v1/…, OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kinerja.core.errors import KinerjaError

from .auth import SessionAuth, TokenAuth

api = NinjaAPI(
    title="Kinerja API",
    version="1",
    description="API penilaian kinerja dan kompetensi ASN. Autentikasi: header "
    "`Authorization: Bearer <token>` (token dibuat admin di menu Token API).",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, code: str, message: str, status: int, details=None):
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(KinerjaError)
def kinerja_error(request, exc: KinerjaError):
    return _error(request, exc.code, exc.message, exc.status, exc.details)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, "not_found", "Data tidak ditemukan.", 404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, "unauthenticated", "Token tidak valid atau sudah dicabut.", 401)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return _error(request, "invalid", "Data tidak valid.", 422, exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, "error", str(exc), exc.status_code)


from . import assessment as _assessment  # noqa: E402,F401
from . import competencies as _competencies  # noqa: E402,F401
from . import development as _development  # noqa: E402,F401
from . import organisation as _organisation  # noqa: E402,F401  (registers the routers)
from . import results as _results  # noqa: E402,F401
from . import talent as _talent  # noqa: E402,F401
