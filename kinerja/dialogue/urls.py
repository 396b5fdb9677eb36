"""Dialog kinerja URLs (mounted under dialog/)."""

from django.urls import path

from . import views

app_name = "dialogue"
urlpatterns = [
    path("tim/", views.team, name="team"),
    path("saya/", views.mine, name="mine"),
    path(
        "siklus/<int:cycle_id>/pegawai/<int:employee_id>/jadwal/",
        views.schedule,
        name="schedule",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/catat/", views.record, name="record"),
    path("<int:pk>/tanggapi/", views.answer, name="answer"),
    path("rekap/", views.completion, name="completion"),
    path("rekap/<int:cycle_id>/pengaturan/", views.settings_save, name="settings"),
]
