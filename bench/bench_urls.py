"""The project's URL map plus two minimal views, the baselines of the load benchmarks:
`/bench/ping/` (bench/throughput.py), the least a Django view can do: no database, a two-byte body;
`/bench/write/` (bench/load.py), the least a write can be: one row inserted in one transaction into
`bench_write`, a table bench/load.py creates. Both sit behind the project's whole middleware."""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@require_POST
def write(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_write (user_id, created_at) VALUES (%s, %s)",
            [request.user.pk, timezone.now()],
        )
    return HttpResponse("ok")


urlpatterns = [
    path("bench/ping/", ping),
    path("bench/write/", write),
    path("", include("kinerja.urls")),
]

handler404 = "kinerja.core.views.not_found"
handler500 = "kinerja.core.middleware.server_error"
