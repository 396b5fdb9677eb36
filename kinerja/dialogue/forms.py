"""Forms of dialog kinerja (thin: the rules are in services.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = {"class": "form-control", "rows": 4}


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Tanggal dialog"), widget=DATE)


class RecordForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal pelaksanaan"), widget=DATE)
    went_well = forms.CharField(
        label=_("Yang sudah berjalan baik"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
    )
    to_develop = forms.CharField(
        label=_("Yang perlu dikembangkan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Tindak lanjut yang disepakati"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    due_date = forms.DateField(label=_("Batas waktu"), required=False, widget=DATE)
    plan_item = forms.TypedChoiceField(
        label=_("Kaitkan ke kegiatan rencana pengembangan"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, plan_items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan_item"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("— tidak dikaitkan —")), *plan_items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("due_date"):
            self.add_error("due_date", _("Isi batas waktu tindak lanjut."))
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=0, max_num=10, absolute_max=10)


class AnswerForm(forms.Form):
    comment = forms.CharField(
        label=_("Tanggapan Anda (kosongkan bila Anda cukup mengonfirmasi)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
    )


class SettingsForm(forms.Form):
    content_visible = forms.BooleanField(
        label=_("Isi dialog terlihat oleh kepegawaian dan pimpinan"), required=False
    )
