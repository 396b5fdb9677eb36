"""A background job the user can see: who started what, its state, progress and outcome. The
work itself runs on Django's task framework (django-tasks); this row is what the pages show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency


class Job(models.Model):
    class Kind(models.TextChoices):
        RESULTS_COMPUTE = "results_compute", _("Hitung hasil siklus")
        REMINDERS = "reminders", _("Kirim pengingat")

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
    task_id = models.CharField(max_length=64, blank=True)  # the task framework's result id
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active job per kind and target: a second click joins the running one.
            models.UniqueConstraint(
                fields=["agency", "kind", "target_id"],
                condition=Q(state__in=["antri", "berjalan"]),
                name="jobs_one_active_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE
