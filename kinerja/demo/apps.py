"""Demo app: the Rangkui demo data and the synthetic agency generator."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kinerja.demo"
    label = "demo"
