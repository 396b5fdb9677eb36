"""Forms of the objection pages. They only parse input; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.assessment.models import WorkResult

from .models import Objection, ObjectionMessage


class FileForm(forms.Form):
    reasons = forms.CharField(
        label=_("Alasan keberatan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Jelaskan bagian hasil yang Anda keberatan (rating perilaku / predikat) dan alasannya."
        ),
    )


class AskForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Minta penjelasan dari"), choices=ObjectionMessage.Party.choices
    )
    question = forms.CharField(
        label=_("Penjelasan yang diminta"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Penjelasan Anda"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Keputusan"), choices=Objection.Outcome.choices, widget=forms.RadioSelect
    )
    rating = forms.ChoiceField(
        label=_("Rating perilaku baru (bila diterima)"),
        choices=[("", "—")] + list(WorkResult.Rating.choices),
        required=False,
    )
    reason = forms.CharField(
        label=_("Alasan keputusan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("outcome") == Objection.Outcome.ACCEPTED and not data.get("rating"):
            self.add_error("rating", _("Pilih rating perilaku yang baru."))
        if data.get("outcome") == Objection.Outcome.REJECTED:
            data["rating"] = ""
        return data


class SettingsForm(forms.Form):
    window_days = forms.IntegerField(
        label=_("Batas pengajuan keberatan (hari kalender sejak hasil diterima)"),
        min_value=1,
        max_value=365,
    )
    decision_days = forms.IntegerField(
        label=_("Batas keputusan (hari kalender sejak keberatan diajukan)"),
        min_value=1,
        max_value=365,
    )
    reminder_days = forms.CharField(
        label=_("Pengingat kepada atasan pejabat penilai (hari sebelum batas keputusan)"),
        max_length=40,
        required=False,
        help_text=_("Angka dipisah koma, mis. 3,1. Kosongkan untuk tanpa pengingat."),
    )


STATUS_FILTER = [("", _("Semua status"))] + list(Objection.Status.choices)
OUTCOME_FILTER = [("", _("Semua keputusan"))] + list(Objection.Outcome.choices)
