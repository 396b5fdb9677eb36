"""Objection URLs (mounted under keberatan/)."""

from django.urls import path

from . import views

app_name = "objections"
urlpatterns = [
    path("saya/", views.mine, name="mine"),
    path("ajukan/<int:cycle_id>/", views.file, name="file"),
    path("untuk-diputus/", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lampiran/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/telaah/", views.start_review, name="start_review"),
    path("<int:pk>/minta-penjelasan/", views.ask, name="ask"),
    path("<int:pk>/penjelasan/<int:message_id>/", views.answer, name="answer"),
    path("<int:pk>/putuskan/", views.decide, name="decide"),
    path("<int:pk>/tugaskan/", views.assign, name="assign"),
    path("instansi/", views.hr_list, name="hr_list"),
    path("instansi/keberatan.xlsx", views.hr_export, name="hr_export"),
    path("siklus/<int:cycle_id>/pengaturan/", views.cycle_settings, name="settings"),
]
