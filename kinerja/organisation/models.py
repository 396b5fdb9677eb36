"""Organisation models: the unit tree, positions and employees of an agency."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency

from .grades import GRADE_CHOICES, PANGKAT


class OrgUnit(models.Model):
    """A unit kerja. Units form a tree through `parent`; names are unique within an agency."""

    class Kind(models.TextChoices):
        INSTANSI = "instansi", _("Instansi / pimpinan")
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        BIDANG = "bidang", _("Bidang / bagian")
        SEKSI = "seksi", _("Seksi / subbagian")
        KELURAHAN = "kelurahan", _("Kelurahan / desa")
        UPT = "upt", _("UPT")
        LAINNYA = "lainnya", _("Lainnya")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("nama unit"), max_length=200)
    code = models.CharField(_("kode"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.LAINNYA)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A jabatan in the agency; its competency standard lives in competencies.PositionStandard."""

    class Type(models.TextChoices):
        JPT_UTAMA = "jpt_utama", _("JPT Utama")
        JPT_MADYA = "jpt_madya", _("JPT Madya")
        JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
        ADMINISTRATOR = "administrator", _("Administrator")
        PENGAWAS = "pengawas", _("Pengawas")
        PELAKSANA = "pelaksana", _("Pelaksana")
        AHLI_UTAMA = "ahli_utama", _("Fungsional Ahli Utama")
        AHLI_MADYA = "ahli_madya", _("Fungsional Ahli Madya")
        AHLI_MUDA = "ahli_muda", _("Fungsional Ahli Muda")
        AHLI_PERTAMA = "ahli_pertama", _("Fungsional Ahli Pertama")
        PENYELIA = "penyelia", _("Fungsional Penyelia")
        MAHIR = "mahir", _("Fungsional Mahir")
        TERAMPIL = "terampil", _("Fungsional Terampil")
        PEMULA = "pemula", _("Fungsional Pemula")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="positions")
    name = models.CharField(_("nama jabatan"), max_length=200)
    position_type = models.CharField(_("jenis jabatan"), max_length=20, choices=Type.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit kerja"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
    )
    min_grade = models.CharField(
        _("golongan minimal"), max_length=8, choices=GRADE_CHOICES, blank=True
    )

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="position_name_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_structural(self) -> bool:
        return self.position_type in POSITION_LEVEL and POSITION_LEVEL[self.position_type] >= 3


# Rough career height of each position type, for "higher position" comparisons.
POSITION_LEVEL: dict[str, int] = {
    "pelaksana": 1,
    "pemula": 1,
    "terampil": 1,
    "mahir": 2,
    "penyelia": 2,
    "ahli_pertama": 2,
    "pengawas": 3,
    "ahli_muda": 3,
    "administrator": 4,
    "ahli_madya": 4,
    "jpt_pratama": 5,
    "ahli_utama": 5,
    "jpt_madya": 6,
    "jpt_utama": 7,
}


class Employee(models.Model):
    """A pegawai (PNS or PPPK) of the agency, identified by NIP."""

    class Gender(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    class AsnStatus(models.TextChoices):
        PNS = "PNS", _("PNS")
        PPPK = "PPPK", _("PPPK")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="employees")
    nip = models.CharField(_("NIP"), max_length=18)
    name = models.CharField(_("nama"), max_length=200)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    grade = models.CharField(_("golongan"), max_length=8, choices=GRADE_CHOICES)
    asn_status = models.CharField(
        _("status ASN"), max_length=4, choices=AsnStatus.choices, default=AsnStatus.PNS
    )
    position = models.ForeignKey(
        Position, verbose_name=_("jabatan"), on_delete=models.PROTECT, related_name="employees"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit kerja"), on_delete=models.PROTECT, related_name="employees"
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("atasan langsung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subordinates",
    )
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["name", "nip"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "nip"], name="employee_nip_unique_in_agency"),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("id")), name="employee_not_own_supervisor"
            ),
        ]
        indexes = [models.Index(fields=["agency", "unit"]), models.Index(fields=["agency", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"

    @property
    def nip_formatted(self) -> str:
        v = self.nip
        return f"{v[:8]} {v[8:14]} {v[14]} {v[15:]}" if len(v) == 18 else v

    @property
    def pangkat(self) -> str:
        return PANGKAT.get(self.grade, "")
