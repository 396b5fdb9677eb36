"""Forms for the admin's cycle pages: cycle settings, adding or removing a rater, the hasil kerja upload."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency
from kinerja.organisation.models import Employee

from . import texts
from .models import Cycle, Relation
from .services import CYCLE_SETTINGS, SETTING_LIMITS, cycle_editable_settings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WEIGHTS = ("weight_supervisor", "weight_peer", "weight_subordinate", "weight_self")
TEXTS = {
    "purpose": texts.DEFAULT_PURPOSE,
    "use_of_results": texts.DEFAULT_USE,
    "visibility": texts.DEFAULT_VISIBILITY,
    "objection": texts.DEFAULT_OBJECTION,
}


def _percent(value: Any) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def _weight_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.IntegerField:
    # The browser hints 0–100; the rule (each ≥ 0, 100 % together) is the service's.
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 0, "max": 100}),
    )


def _bounded_field(name: str, label: StrOrPromise, **kwargs: Any) -> forms.IntegerField:
    """A whole-number setting whose bounds are the service's (SETTING_LIMITS), hinted to the
    browser and checked by the service, so the web, the API and the CLI refuse alike."""
    low, high = SETTING_LIMITS[name]
    return forms.IntegerField(
        label=label, widget=forms.NumberInput(attrs={"min": low, "max": high}), **kwargs
    )


def _text_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ditampilkan kepada setiap peserta sebelum mereka mengisi formulir."),
    )


def cycle_initial(cycle: Cycle | None) -> dict[str, Any]:
    """The form's values: the cycle's own, or for a new cycle the defaults the service uses."""
    if cycle is not None:
        values = {name: getattr(cycle, name) for name in CYCLE_SETTINGS}
    else:
        today = timezone.localdate()
        deadline = dt.datetime.combine(today + dt.timedelta(days=30), dt.time(23, 59))
        values = {
            name: cast(models.Field, Cycle._meta.get_field(name)).get_default()
            for name in CYCLE_SETTINGS
            if name not in TEXTS
        }
        values |= {name: str(text) for name, text in TEXTS.items()}
        values |= {
            "name": _("Penilaian 360° %(year)d") % {"year": today.year},
            "period_start": dt.date(today.year, 1, 1),
            "period_end": dt.date(today.year, 12, 31),
            "deadline": timezone.make_aware(deadline),
        }
    for name in WEIGHTS:
        values[name] = _percent(values[name])
    return values


class CycleForm(forms.Form):
    """Every setting of a cycle. Weights are entered as whole percentages; fields the cycle's
    status no longer allows to change are shown disabled."""

    name = forms.CharField(label=_("Nama siklus"), max_length=200)
    period_start = forms.DateField(
        label=_("Awal periode"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_("Akhir periode"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline = forms.DateTimeField(
        label=_("Batas pengisian"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=_("Tanggal dan jam (WIB). Setelah batas ini formulir tidak dapat diubah."),
    )
    include_teknis = forms.BooleanField(
        label=_("Sertakan kompetensi teknis dari standar kompetensi jabatan"),
        required=False,
        help_text=_(
            "Selain 9 kompetensi manajerial dan sosial kultural nasional dan 7 nilai BerAKHLAK."
        ),
    )
    weight_supervisor = _weight_field(_("Bobot atasan (%)"), _("Bawaan: 50 %."))
    weight_peer = _weight_field(_("Bobot rekan kerja (%)"), _("Bawaan: 30 %."))
    weight_subordinate = _weight_field(_("Bobot bawahan (%)"), _("Bawaan: 20 %."))
    weight_self = _weight_field(
        _("Bobot diri sendiri (%)"),
        _("Bawaan: 0 % — penilaian diri ditampilkan di samping skor, tidak dihitung di dalamnya."),
    )
    anonymity_threshold = _bounded_field(
        "anonymity_threshold",
        _("Ambang anonimitas"),
        help_text=_(
            "Hasil kelompok rekan kerja atau bawahan hanya ditampilkan bila penilainya paling "
            "sedikit sebanyak ini. Bawaan: 3."
        ),
    )
    jpm_categories = forms.ChoiceField(
        label=_("Kategori JPM"),
        choices=Cycle.JpmCategories.choices,
        help_text=_("Bawaan: pemetaan/penempatan."),
    )
    rater_model = forms.ChoiceField(
        label=_("Model penilai"),
        choices=Cycle.RaterModel.choices,
        help_text=_(
            "Bawaan: tanpa koreksi. Dapat diubah sampai hasil pertama kali dihitung "
            "(juga di halaman hasil)."
        ),
    )
    max_forms_per_rater = _bounded_field(
        "max_forms_per_rater",
        _("Maksimal formulir per penilai"),
        help_text=_("Beban paling banyak untuk satu penilai saat penugasan dibuat. Bawaan: 10."),
    )
    max_peers = _bounded_field("max_peers", _("Maksimal rekan kerja per pegawai"))
    max_subordinates = _bounded_field("max_subordinates", _("Maksimal bawahan per pegawai"))
    purpose = _text_field(_("Tujuan siklus"))
    use_of_results = _text_field(_("Penggunaan hasil"))
    visibility = _text_field(_("Siapa melihat apa"))
    objection = _text_field(_("Cara mengajukan keberatan"))

    def __init__(self, *args: Any, cycle: Cycle | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", cycle_initial(cycle))
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        editable = set(CYCLE_SETTINGS) if cycle is None else cycle_editable_settings(cycle)
        for name, field in self.fields.items():
            if name not in editable:
                field.disabled = True

    @property
    def locked(self) -> bool:
        return any(field.disabled for field in self.fields.values())

    def settings(self) -> dict[str, Any]:
        """The cleaned values as the service takes them: weights as fractions."""
        values = {name: self.cleaned_data[name] for name in CYCLE_SETTINGS}
        for name in WEIGHTS:
            values[name] = Decimal(values[name]) / 100
        return values


class RaterAddForm(forms.Form):
    rater = forms.ModelChoiceField(queryset=Employee.objects.none(), label=_("Penilai"))
    relation = forms.ChoiceField(
        label=_("Sebagai"), choices=Relation.choices, initial=Relation.PEER
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=300,
        help_text=_("Dicatat dalam jejak audit."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rater"]
        field.queryset = (  # type: ignore[attr-defined]
            Employee.objects.filter(agency=agency, is_active=True)
            .only("id", "name", "nip")
            .order_by("name", "nip")
        )
        field.label_from_instance = lambda e: f"{e.name} — {e.nip}"  # type: ignore[attr-defined]


class RaterRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penghapusan"),
        max_length=300,
        help_text=_("Dicatat dalam jejak audit."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
