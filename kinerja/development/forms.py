"""Forms of the development pages: a catalog item, the import, plan items, a realisation and the
supervisor's decision. They only parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency

from . import services
from .models import DevelopmentPlan, PlanItem, Training

LEVELS = [(n, str(n)) for n in range(1, 6)]


class TrainingForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=30)
    name = forms.CharField(label=_("Nama"), max_length=200)
    mode = forms.ChoiceField(label=_("Jalur"), choices=Training.Mode.choices)
    method = forms.ChoiceField(label=_("Metode"), choices=Training.Method.choices)
    jp = forms.IntegerField(
        label=_("JP"), min_value=1, max_value=1000, help_text=_("1 JP = 45 menit.")
    )
    competencies = forms.MultipleChoiceField(
        label=_("Kompetensi yang dikembangkan"),
        required=False,
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Kosongkan bila kegiatan dapat mengembangkan kompetensi apa pun (misalnya coaching "
            "oleh atasan). Tahan Ctrl untuk memilih lebih dari satu."
        ),
    )
    level_min = forms.TypedChoiceField(
        label=_("Untuk level standar dari"), choices=LEVELS, coerce=int, initial=1
    )
    level_max = forms.TypedChoiceField(
        label=_("sampai level"), choices=LEVELS, coerce=int, initial=5
    )
    provider = forms.CharField(label=_("Penyelenggara"), max_length=200, required=False)
    cost = forms.DecimalField(
        label=_("Biaya per peserta (Rp)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=0,
    )
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("Aktif (ditawarkan dalam rekomendasi)"), required=False, initial=True
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.MultipleChoiceField = self.fields["competencies"]  # type: ignore[assignment]
        field.choices = [
            (code, f"{code} {name}")
            for code, name in sorted(services.known_competencies(agency).items())
        ]

    @staticmethod
    def initial_from(training: Training) -> dict[str, Any]:
        return {name: getattr(training, name) for name in services.TRAINING_FIELDS}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Uji coba saja (periksa tanpa menyimpan)"), required=False)


class TrainingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name} ({obj.jp} JP)"


class CatalogItemForm(forms.Form):
    """Adds a catalog item to one's own plan."""

    training = TrainingChoiceField(
        label=_("Kegiatan dari katalog"),
        queryset=Training.objects.none(),
        empty_label=_("— pilih kegiatan —"),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["training"]  # type: ignore[assignment]
        field.queryset = Training.objects.filter(agency=agency, is_active=True)


class ManualItemForm(forms.Form):
    """A hand-written activity (or a coaching or mentoring the catalog does not list)."""

    title = forms.CharField(label=_("Nama kegiatan"), max_length=200)
    jp = forms.IntegerField(label=_("JP"), min_value=1, max_value=1000)
    competency = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        required=False, choices=PlanItem.Source.choices, widget=forms.HiddenInput
    )


class RecommendationItemForm(forms.Form):
    """ "Tambahkan ke rencana" on a recommended option."""

    training = forms.ModelChoiceField(queryset=Training.objects.none())
    competency = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["training"]  # type: ignore[assignment]
        field.queryset = Training.objects.filter(agency=agency)


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.jp_planned} JP)"


class RealisationForm(forms.Form):
    item = PlanItemChoiceField(
        label=_("Pilih kegiatan dari rencana"),
        required=False,
        queryset=PlanItem.objects.none(),
        empty_label=_("— kegiatan lain (tulis di bawah) —"),
    )
    title = forms.CharField(
        label=_("Nama kegiatan"),
        required=False,
        max_length=200,
        help_text=_("Boleh dikosongkan bila memilih kegiatan dari rencana."),
    )
    date = forms.DateField(
        label=_("Tanggal selesai"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    jp = forms.IntegerField(label=_("JP yang diperoleh"), min_value=1, max_value=1000)
    evidence = forms.FileField(
        label=_("Bukti (sertifikat)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("PDF, JPG atau PNG, paling besar 5 MB."),
    )

    def __init__(self, *args: Any, plan: DevelopmentPlan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["item"]  # type: ignore[assignment]
        field.queryset = plan.items.all() if plan is not None else PlanItem.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("item") and not (data.get("title") or "").strip():
            self.add_error("title", _("Pilih kegiatan dari rencana atau tuliskan namanya."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("setujui", _("Setujui")), ("kembalikan", _("Kembalikan"))]
    )
    comment = forms.CharField(
        label=_("Catatan untuk pegawai"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila rencana dikembalikan."),
    )
