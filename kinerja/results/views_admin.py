"""The admin's and leadership's results pages (helper D builds these)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from kinerja.core import permissions
from kinerja.core.views import agency_required


@agency_required(permissions.can_view_agency_results)
def agency(request) -> HttpResponse:  # placeholder, replaced by the full page
    return HttpResponse("")


urlpatterns = [path("instansi/", agency, name="agency")]
