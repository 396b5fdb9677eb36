"""Tenancy helpers: every tenant-owned read goes through the agency, another agency's row is 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from .errors import NotFound
from .models import Agency

M = TypeVar("M", bound=models.Model)


def for_agency(model_or_qs: type[M] | models.QuerySet[M], agency: Agency) -> models.QuerySet[M]:
    qs = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    return qs.filter(agency=agency)


def get_for_agency(
    model_or_qs: type[M] | models.QuerySet[M], agency: Agency | None, **lookup: Any
) -> M:
    """The object if it belongs to `agency`; otherwise "not found", never "forbidden"."""
    if agency is None:
        raise NotFound()
    try:
        return for_agency(model_or_qs, agency).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def get_for_agency_or_404(model_or_qs, agency, **lookup):
    try:
        return get_for_agency(model_or_qs, agency, **lookup)
    except NotFound as exc:
        raise Http404(exc.message) from exc
