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
    """50 per page. (A class attribute is not enough: ninja sets page_size in __init__.)"""

    def __init__(self, page_size: int = 50, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, **kwargs)
