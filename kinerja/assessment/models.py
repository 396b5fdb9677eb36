"""Assessment models: a cycle, who rates whom, what they answered, who acknowledged the purpose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.competencies.models import Framework
from kinerja.core.models import Agency
from kinerja.organisation.models import Employee


class Relation(models.TextChoices):
    SELF = "diri", _("Diri sendiri")
    SUPERVISOR = "atasan", _("Atasan")
    PEER = "rekan", _("Rekan kerja")
    SUBORDINATE = "bawahan", _("Bawahan")


ANONYMOUS_RELATIONS = (Relation.PEER, Relation.SUBORDINATE)


class Cycle(models.Model):
    """A siklus penilaian. Freezes the framework version, the items and the standards it uses."""

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        RUNNING = "berjalan", _("Berjalan")
        CLOSED = "ditutup", _("Ditutup")
        FINAL = "final", _("Final")

    class RaterModel(models.TextChoices):
        NONE = "none", _("Tanpa koreksi (rata-rata berbobot)")
        ADDITIVE = "additive", _("Koreksi aditif (kemurahan/kekerasan atasan)")
        ORDINAL = "ordinal", _("Model ordinal (kemurahan dan konsistensi atasan)")

    class JpmCategories(models.TextChoices):
        PLACEMENT = "penempatan", _("Pemetaan/penempatan (Optimal ≥ 90, Cukup Optimal ≥ 78)")
        COMPETENCY_TEST = "uji_kompetensi", _("Uji kompetensi (Memenuhi Syarat ≥ 80, ≥ 68)")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(_("nama siklus"), max_length=200)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    deadline = models.DateTimeField(_("batas pengisian"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, null=True, blank=True, related_name="cycles"
    )
    # Frozen when the cycle starts: [{"code", "name", "kind": "competency"|"behaviour", "levels": [...]}]
    items = models.JSONField(default=list, blank=True)
    # Frozen when the cycle starts: {position_id: {competency code: required level}}
    standards = models.JSONField(default=dict, blank=True)
    include_teknis = models.BooleanField(
        _("sertakan kompetensi teknis dari standar jabatan"), default=True
    )
    weight_supervisor = models.DecimalField(
        _("bobot atasan"), max_digits=4, decimal_places=2, default=0.5
    )
    weight_peer = models.DecimalField(
        _("bobot rekan kerja"), max_digits=4, decimal_places=2, default=0.3
    )
    weight_subordinate = models.DecimalField(
        _("bobot bawahan"), max_digits=4, decimal_places=2, default=0.2
    )
    weight_self = models.DecimalField(
        _("bobot diri sendiri"), max_digits=4, decimal_places=2, default=0
    )
    anonymity_threshold = models.PositiveSmallIntegerField(_("ambang anonimitas"), default=3)
    jpm_categories = models.CharField(
        _("kategori JPM"),
        max_length=20,
        choices=JpmCategories.choices,
        default=JpmCategories.PLACEMENT,
    )
    rater_model = models.CharField(
        _("model penilai"),
        max_length=10,
        choices=RaterModel.choices,
        default=RaterModel.NONE,
        help_text=_(
            "Koreksi kecenderungan atasan sebelum nilai dirata-ratakan. Dapat diubah sampai hasil "
            "pertama kali dihitung; lihat docs/scoring.md dan halaman kalibrasi."
        ),
    )
    max_forms_per_rater = models.PositiveSmallIntegerField(
        _("maksimal formulir per penilai"), default=10
    )
    max_peers = models.PositiveSmallIntegerField(_("maksimal rekan per pegawai"), default=5)
    max_subordinates = models.PositiveSmallIntegerField(
        _("maksimal bawahan per pegawai"), default=5
    )
    purpose = models.TextField(_("tujuan siklus"))
    use_of_results = models.TextField(_("penggunaan hasil"))
    visibility = models.TextField(_("siapa melihat apa"))
    objection = models.TextField(_("cara mengajukan keberatan"))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    # Set by the first computation of results: from then on the answers that reach the results
    # are fixed (no reopening, no change of correction), so no later release can be compared
    # with an earlier one to subtract one rater out of a group (docs/scoring.md, "Anonimitas").
    results_released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("siklus penilaian")
        verbose_name_plural = _("siklus penilaian")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="cycle_period_order"
            ),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=1), name="cycle_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RUNNING and timezone.now() <= self.deadline

    @property
    def weights(self) -> dict[str, float]:
        return {
            Relation.SUPERVISOR: float(self.weight_supervisor),
            Relation.PEER: float(self.weight_peer),
            Relation.SUBORDINATE: float(self.weight_subordinate),
            Relation.SELF: float(self.weight_self),
        }

    @property
    def rater_correction(self) -> bool:
        """Is a rater model in force (the policy's `rater_correction` switch)?"""
        return self.rater_model != self.RaterModel.NONE


class RaterAssignment(models.Model):
    """One rater owes one form about one ratee in one relation."""

    class Source(models.TextChoices):
        GENERATED = "otomatis", _("Dari struktur organisasi")
        MANUAL = "manual", _("Ditambahkan admin")
        PROPOSED = "usulan", _("Usulan pegawai, disetujui atasan")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    rater = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="assignments_as_rater"
    )
    ratee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="assignments_as_ratee"
    )
    relation = models.CharField(max_length=10, choices=Relation.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.GENERATED)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan penilai")
        verbose_name_plural = _("penugasan penilai")
        constraints = [
            # A person rates a given ratee in one relation only.
            models.UniqueConstraint(
                fields=["cycle", "rater", "ratee"], name="one_relation_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(relation="diri", rater=F("ratee"))
                | (~Q(relation="diri") & ~Q(rater=F("ratee"))),
                name="self_only_rates_self",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "rater"]),
            models.Index(fields=["cycle", "ratee"]),
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} → {self.ratee_id} ({self.relation})"

    @property
    def is_anonymous(self) -> bool:
        return self.relation in ANONYMOUS_RELATIONS


class Response(models.Model):
    """The rater's answers for one assignment: a draft until submitted, then locked."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    assignment = models.OneToOneField(
        RaterAssignment, on_delete=models.CASCADE, related_name="response"
    )
    strengths = models.TextField(_("kekuatan"), blank=True)
    to_develop = models.TextField(_("yang perlu dikembangkan"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")

    def __str__(self) -> str:
        return f"response {self.assignment_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ResponseItem(models.Model):
    """One answered item: a level 1–5, or null for "tidak dapat menilai"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    cannot_rate = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="answer_level_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}={self.level}"


class Acknowledgement(models.Model):
    """A participant read the cycle's purpose; recorded once."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "user"], name="one_ack_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.cycle_id}"


class PeerProposal(models.Model):
    """An employee proposes a peer rater; their supervisor approves or rejects it."""

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="peer_proposals")
    ratee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "ratee", "peer"], name="one_proposal_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.peer_id} → {self.ratee_id} ({self.status})"


class WorkResult(models.Model):
    """Rating hasil kerja of one employee in one cycle, set by the supervisor or imported."""

    class Rating(models.TextChoices):
        ABOVE = "di_atas_ekspektasi", _("Di atas ekspektasi")
        AS_EXPECTED = "sesuai_ekspektasi", _("Sesuai ekspektasi")
        BELOW = "di_bawah_ekspektasi", _("Di bawah ekspektasi")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="work_results")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(_("rating hasil kerja"), max_length=20, choices=Rating.choices)
    justification = models.TextField(_("alasan"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_work_result")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.rating}"


class ReminderLog(models.Model):
    """One reminder e-mail to one rater on one day: never more."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    rater = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    open_forms = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "rater", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} {self.sent_on}"


class Announcement(models.Model):
    """The cycle's announcement e-mail reached one participant: never sent to them again."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="announcements")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pengumuman siklus")
        verbose_name_plural = _("pengumuman siklus")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_announcement_each")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.cycle_id}"
