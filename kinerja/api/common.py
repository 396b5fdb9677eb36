"""Shared API helpers: permission checks through core.permissions, pagination, the strict base
of every JSON request body."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import BeforeValidator, ConfigDict, Strict, WithJsonSchema, model_validator
from pydantic.json_schema import SkipJsonSchema

from kinerja.core.errors import PermissionDenied


def require(request: HttpRequest, check: Callable[[Any, Any], bool]) -> Any:
    """Returns the request's agency when `check(user, agency)` holds, else 403."""
    agency = getattr(request, "agency", None)
    if agency is None or not check(request.user, agency):
        raise PermissionDenied()
    return agency


MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    """50 per page, at most MAX_PAGE_SIZE; page numbers past MAX_PAGE are refused with 422 (a
    page past the last one is simply empty). (A class attribute is not enough: ninja sets
    page_size in __init__.)"""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 50, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


class InputSchema(Schema):
    """The base of every JSON request body: exactly the types the OpenAPI schema states, no
    coercion ("1" is not an integer, false is not 0 and 1 is not true; 2.0 is the integer 2, as
    in JSON Schema), and only a JSON object
    (ninja's Schema would read any value's attributes, so `[null]` would pass as `{}`). Dates
    and numbers use `Date`, `DateTime` and `Number` below. Query, path and form parameters stay
    with ninja's lax parsing: there every value arrives as text."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: Any) -> Any:
        # Same name as ninja's validator, so it replaces it: a body is a dict, not an object.
        if not isinstance(values, dict):
            raise ValueError("Input should be a JSON object")
        # JSON has one kind of number: 2.0 is the integer 2 (as JSON Schema's "integer" says).
        whole = {k: int(v) for k, v in values.items() if isinstance(v, float) and v.is_integer()}
        return handler(values | whole if whole else values)


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("Input should be an ISO 8601 string")
    return value


DECIMAL_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"


def _number(value: Any) -> Decimal:
    # re.search, as JSON Schema validators apply `pattern` (a final newline matches `$`).
    if isinstance(value, str) and re.search(DECIMAL_TEXT, value):
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a number or a decimal string such as 0.25")
    return Decimal(str(value))  # 0.1 stays 0.1, as typed, not the float's binary expansion


# A date or date-time given as ISO 8601 text (strict pydantic would take only Python objects,
# lax would also take a number of seconds).
Date = Annotated[dt.date, Strict(False), BeforeValidator(_iso_text)]
DateTime = Annotated[dt.datetime, Strict(False), BeforeValidator(_iso_text)]
# An exact Decimal from a JSON number or from decimal text ("0.25"); other text is refused.
Number = Annotated[
    Decimal,
    BeforeValidator(_number),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": DECIMAL_TEXT}]}),
]
# `field: int | NotNull = None`: optional, but not nullable in the schema: None only stands for
# "not given" (the handler refuses an explicit null).
NotNull = SkipJsonSchema[None]
