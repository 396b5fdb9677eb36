"""Shared API helpers: permission checks through core.permissions, pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.pagination import PageNumberPagination

from kinerja.core.errors import PermissionDenied


def require(request: HttpRequest, check: Callable[[Any, Any], bool]) -> Any:
    """Returns the request's agency when `check(user, agency)` holds, else 403."""
    agency = getattr(request, "agency", None)
    if agency is None or not check(request.user, agency):
        raise PermissionDenied()
    return agency


class Pages(PageNumberPagination):
    page_size = 50
