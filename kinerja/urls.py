"""URL map: the web UI, the API and the superuser-only Django admin."""

from django.contrib import admin
from django.urls import include, path

from kinerja.api.urls import api
from kinerja.organisation import views as organisation_views

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("akun/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kinerja.core.urls")),
    path("organisasi/", include("kinerja.organisation.urls")),
    path("kompetensi/", include("kinerja.competencies.urls")),
    path("penilaian/", include("kinerja.assessment.urls")),
    path("hasil/", include("kinerja.results.urls")),
    path("pengembangan/", include("kinerja.development.urls")),
    path("talenta/", include("kinerja.talent.urls")),
    path("pekerjaan/", include("kinerja.jobs.urls")),
    path("keberatan/", include("kinerja.objections.urls")),
    path("dialog/", include("kinerja.dialogue.urls")),
    path("survei/", include("kinerja.survey.urls")),
    path("laporan/", include("kinerja.reports.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "kinerja.core.views.not_found"
# A lost database anywhere in a request is a clean 503, not a 500 (kinerja/core/middleware.py).
handler500 = "kinerja.core.middleware.server_error"
