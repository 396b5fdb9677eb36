"""Acceptance survey URLs (mounted under survei/)."""

from django.urls import path

from . import views

app_name = "survey"
urlpatterns = [
    path("<int:cycle_id>/isi/", views.answer, name="answer"),
    path("kelola/", views.manage, name="manage"),
    path("<int:cycle_id>/pertanyaan/", views.questions, name="questions"),
    path("<int:cycle_id>/tutup/", views.close, name="close"),
    path("<int:cycle_id>/hasil/", views.results, name="results"),
]
