"""The JSON API (django-ninja): /api/v1/…, OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kinerja.core import middleware
from kinerja.core.errors import KinerjaError

from .auth import SessionAuth, TokenAuth

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {}},
            },
        }
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    400: "Permintaan ditolak (aturan bisnis, isi bukan objek JSON)",
    401: "Token tidak valid, kedaluwarsa atau dicabut",
    403: "Tidak berhak",
    404: "Tidak ditemukan (juga data instansi lain)",
    405: "Metode tidak didukung",
    409: "Bertentangan dengan keadaan data (mis. tujuan siklus belum disetujui)",
    422: "Data tidak valid",
    429: "Terlalu banyak percobaan",
    503: "Basis data sementara tidak tersedia",
}


class KinerjaAPI(NinjaAPI):
    """Ninja with the one error shape stated for every operation in the OpenAPI schema."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERRORS.items():
                    declared = responses.get(status) or responses.get(str(status))
                    if declared is None:
                        responses[status] = {"description": description, "content": ref}
                        continue
                    # An operation's own body for this status (the import's row report), or
                    # the one error shape when ninja refuses the request before the handler.
                    content = declared.setdefault("content", {}).setdefault("application/json", {})
                    own = content.get("schema")
                    content["schema"] = (
                        {"anyOf": [own, ERROR_REF]} if own and own != ERROR_REF else ERROR_REF
                    )
        return schema


api = KinerjaAPI(
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
    response = _error(request, exc.code, exc.message, exc.status, exc.details)
    if retry_after := getattr(exc, "retry_after", None):  # TooManyAttempts
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, "not_found", "Data tidak ditemukan.", 404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(
        request, "unauthenticated", "Token tidak valid, kedaluwarsa, atau sudah dicabut.", 401
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return _error(request, "invalid", "Data tidak valid.", 422, exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, "error", str(exc), exc.status_code)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    # Also with DEBUG on, where ninja would answer a traceback: the one shape, 503, Retry-After.
    return middleware.database_unavailable(request)


from . import assessment as _assessment  # noqa: E402,F401
from . import communication as _communication  # noqa: E402,F401
from . import competencies as _competencies  # noqa: E402,F401
from . import development as _development  # noqa: E402,F401
from . import dialogue as _dialogue  # noqa: E402,F401
from . import jobs as _jobs  # noqa: E402,F401
from . import objections as _objections  # noqa: E402,F401
from . import organisation as _organisation  # noqa: E402,F401  (registers the routers)
from . import reports as _reports  # noqa: E402,F401
from . import results as _results  # noqa: E402,F401
from . import survey as _survey  # noqa: E402,F401
from . import talent as _talent  # noqa: E402,F401
