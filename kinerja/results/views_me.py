"""The employee's own results and the supervisor's team results (helper C builds these)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from kinerja.core import permissions
from kinerja.core.views import agency_required


@agency_required(permissions.is_member)
def my_results(request) -> HttpResponse:  # placeholder, replaced by the full page
    return HttpResponse("")


urlpatterns = [path("saya/", my_results, name="my_results")]
