"""API app: the django-ninja JSON API under /api/v1/."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kinerja.api"
    label = "api"
