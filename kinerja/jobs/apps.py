from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "kinerja.jobs"
    label = "jobs"
    verbose_name = "Pekerjaan latar belakang"
