"""A background job the user can see: who started what, its state, progress and outcome. The
work itself runs on Django's task framework (django-tasks); this row is what the pages show."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency


def private_storage() -> Storage:
    return storages["private"]


def job_file_path(job: Job, filename: str) -> str:
    return f"jobs/{job.agency_id}/{timezone.now():%Y/%m}/{filename}"


class Job(models.Model):
    class Kind(models.TextChoices):
        RESULTS_COMPUTE = "results_compute", _("Hitung hasil siklus")
        REMINDERS = "reminders", _("Kirim pengingat")
        ANNOUNCEMENT = "announcement", _("Kirim pengumuman siklus")
        EMPLOYEES_IMPORT = "employees_import", _("Impor pegawai")
        STANDARDS_IMPORT = "standards_import", _("Impor standar kompetensi jabatan")
        CATALOG_IMPORT = "catalog_import", _("Impor katalog pelatihan")
        RESULTS_EXPORT = "results_export", _("Ekspor hasil siklus")
        PROGRESS_EXPORT = "progress_export", _("Ekspor progres penilai")
        TALENT_EXPORT = "talent_export", _("Ekspor talenta")
        NEEDS_EXPORT = "needs_export", _("Ekspor analisis kebutuhan pengembangan")
        CANDIDATES = "candidates", _("Peringkat kandidat jabatan")
        PDF_BATCH = "pdf_batch", _("Laporan PDF (ZIP)")

    class State(models.TextChoices):
        QUEUED = "antri", _("Antri")
        RUNNING = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    ACTIVE = (State.QUEUED, State.RUNNING)

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    target_id = models.PositiveIntegerField()  # e.g. the cycle of a results compute
    target_name = models.CharField(max_length=200, blank=True)
    # Tells apart jobs of one kind and target that differ in what they make (an export's filter,
    # the user it is scoped to): only jobs with the same key join each other.
    key = models.CharField(max_length=100, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)  # the work's own arguments
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    error = models.TextField(blank=True)  # plain Indonesian, for the user
    message = models.TextField(blank=True)  # what it did, for the user
    output_url = models.CharField(max_length=300, blank=True)  # where to see what it changed
    # Files live in the private storage (never served directly): the upload a job reads, the
    # file it makes, downloaded through a permission-checked view.
    input_file = models.FileField(upload_to=job_file_path, storage=private_storage, blank=True)
    output_file = models.FileField(upload_to=job_file_path, storage=private_storage, blank=True)
    output_name = models.CharField(max_length=200, blank=True)  # the download's file name
    task_id = models.CharField(max_length=64, blank=True)  # the task framework's result id
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active job per kind and target: a second click joins the running one.
            models.UniqueConstraint(
                fields=["agency", "kind", "target_id", "key"],
                condition=Q(state__in=["antri", "berjalan"]),
                name="jobs_one_active_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE
