from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kinerja.reports"
    label = "reports"
    verbose_name = "Laporan"
