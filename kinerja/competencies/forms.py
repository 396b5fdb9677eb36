"""Forms for teknis competencies and position standards."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TeknisCompetencyForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=20, help_text=_("mis. T.01"))
    name = forms.CharField(label=_("Nama kompetensi"), max_length=200)
    definition = forms.CharField(label=_("Definisi"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in range(1, 6):
            self.fields[f"title_{level}"] = forms.CharField(
                label=_("Level %(n)d — judul") % {"n": level}, max_length=300
            )
            self.fields[f"indicators_{level}"] = forms.CharField(
                label=_("Level %(n)d — indikator perilaku (satu per baris)") % {"n": level},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def levels(self) -> list[dict]:
        return [
            {
                "level": n,
                "title": self.cleaned_data[f"title_{n}"],
                "indicators": self.cleaned_data[f"indicators_{n}"].splitlines(),
            }
            for n in range(1, 6)
        ]


class StandardImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
