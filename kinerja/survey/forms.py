"""Forms of the acceptance survey (thin: the rules are in services.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Survey

SCALE = [
    (1, _("1 · sangat tidak setuju")),
    (2, _("2 · tidak setuju")),
    (3, _("3 · ragu-ragu")),
    (4, _("4 · setuju")),
    (5, _("5 · sangat setuju")),
]


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in survey.questions:
            self.fields[f"q_{q['key']}"] = forms.TypedChoiceField(
                label=q["text"],
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Pilih salah satu jawaban.")},
            )
        self.fields["free_text"] = forms.CharField(
            label=survey.free_text_prompt,
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        )
        self.keys = [q["key"] for q in survey.questions]

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"q_{key}"] for key in self.keys}


class QuestionsForm(forms.Form):
    questions = forms.CharField(
        label=_("Pertanyaan (satu per baris: kunci | pertanyaan)"),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 9}),
        help_text=_(
            "5 sampai 8 pertanyaan berskala 1–5. Pakai kunci yang sama dengan siklus lalu untuk "
            "pertanyaan yang sama, agar trennya dapat dibandingkan."
        ),
    )
    free_text_prompt = forms.CharField(
        label=_("Pertanyaan terbuka"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    closes_on = forms.DateField(
        label=_("Terakhir diisi (boleh kosong)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def parsed(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            key, _sep, text = line.partition("|")
            rows.append({"key": key.strip(), "text": text.strip()})
        return rows

    @staticmethod
    def as_text(questions: list[dict[str, str]]) -> str:
        return "\n".join(f"{q['key']} | {q['text']}" for q in questions)
