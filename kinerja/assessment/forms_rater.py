"""Forms of the raters' pages: the supervisor's rating hasil kerja, one form per subordinate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WorkResult


class WorkResultForm(forms.Form):
    """Rating hasil kerja of one subordinate; both fields empty means "not rated yet"."""

    rating = forms.ChoiceField(
        label=_("Rating hasil kerja"),
        choices=[("", _("— belum dinilai —")), *WorkResult.Rating.choices],
        required=False,
    )
    justification = forms.CharField(
        label=_("Alasan singkat"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, employee_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels carry the name so a screen reader knows whose rating a field is.
        self.fields["rating"].label = _("Rating hasil kerja %(name)s") % {"name": employee_name}
        self.fields["justification"].label = _("Alasan singkat untuk %(name)s") % {
            "name": employee_name
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rating, text = data.get("rating"), (data.get("justification") or "").strip()
        if rating and not text:
            self.add_error("justification", _("Tuliskan alasan singkat untuk rating ini."))
        if text and not rating:
            self.add_error("rating", _("Pilih rating hasil kerja."))
        data["justification"] = text
        return data
