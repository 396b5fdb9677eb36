"""Core models: the agency (tenant), a user's membership and role, API tokens, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """An instansi: the tenant. Every tenant-owned row points here."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama instansi"), max_length=200)
    region = models.CharField(_("wilayah"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one agency and the role they hold there."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin kepegawaian")
        LEADER = "pimpinan", _("Pimpinan")
        EMPLOYEE = "pegawai", _("Pegawai")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency.code} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the secret is shown once."""

    class Scope(models.TextChoices):
        READ_WRITE = "baca-tulis", _("Baca dan tulis")
        READ = "baca", _("Hanya baca")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama token"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    scope = models.CharField(
        _("cakupan"), max_length=12, choices=Scope.choices, default=Scope.READ_WRITE
    )

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_read_only(self) -> bool:
        return self.scope == self.Scope.READ


class AuditEvent(models.Model):
    """One state change: who, when, what, before/after; chained by hash within its audit chain
    (kinerja/core/audit.py: an agency has one chain per acting user, and one for the system)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The actor's id as it was, kept when the user is later deleted (the FK is then set null):
    # the hash chain covers this, not the FK, so deleting a user never breaks the chain.
    actor_ref = models.BigIntegerField(null=True, blank=True, editable=False)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    # The chain this event belongs to (AuditChain.key) and its place in it: 1, 2, 3, … with no gap.
    chain = models.CharField(max_length=40, editable=False)
    seq = models.PositiveBigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-id"]
        indexes = [models.Index(fields=["agency", "-id"])]
        constraints = [
            # One event per place in a chain: two writers can never fork it (NULL agency apart,
            # since NULLs never collide in a unique index).
            models.UniqueConstraint(
                fields=["agency", "chain", "seq"],
                condition=models.Q(agency__isnull=False),
                name="core_auditevent_one_per_place",
            ),
            models.UniqueConstraint(
                fields=["chain", "seq"],
                condition=models.Q(agency__isnull=True),
                name="core_auditevent_one_per_place_no_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChain(models.Model):
    """The head of one audit hash chain of an agency: how long it is and the hash of its last
    event. An audited write locks only its chain's head, so different people's writes (each
    person's own chain) never wait for one another; verifying compares the events with the head,
    so an event cut from the end is noticed too."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_chains"
    )
    key = models.CharField(max_length=40)  # "user:<id>", "system", or "legacy" (before chains)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "key"],
                condition=models.Q(agency__isnull=False),
                name="core_auditchain_one_head",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(agency__isnull=True),
                name="core_auditchain_one_head_no_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id or '-'}/{self.key} #{self.seq}"
