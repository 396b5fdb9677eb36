"""The project's URL map plus `/bench/ping/`, the least a Django view can do (the baseline of
bench/throughput.py): the same middleware stack, no database, a two-byte body."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("kinerja.urls")),
]

handler404 = "kinerja.core.views.not_found"
handler500 = "kinerja.core.middleware.server_error"
