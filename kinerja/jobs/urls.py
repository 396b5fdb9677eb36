"""Background job URLs (HR admin)."""

from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/unduh/", views.job_download, name="download"),
    path("<int:job_id>/batal/", views.job_cancel, name="cancel"),
]
