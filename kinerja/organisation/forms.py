"""Forms for the admin's organisation pages; choices are limited to the agency's own rows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Agency

from .models import Employee, OrgUnit, Position
from .nip import normalise_nip
from .selectors import unit_choices


class AgencyForm(forms.ModelForm):
    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        for name in ("unit", "parent"):
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = OrgUnit.objects.filter(agency=agency)
                field.choices = [("", "---------"), *unit_choices(agency=agency)]


class UnitForm(AgencyForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "kind", "parent"]


class PositionForm(AgencyForm):
    class Meta:
        model = Position
        fields = ["name", "position_type", "unit", "min_grade"]


class EmployeeForm(AgencyForm):
    # Wider than the stored 18 digits: people paste NIPs with spaces; the service normalises them.
    nip = forms.CharField(label=_("NIP"), max_length=30)

    class Meta:
        model = Employee
        fields = [
            "nip",
            "name",
            "gender",
            "asn_status",
            "grade",
            "position",
            "unit",
            "supervisor",
            "email",
            "is_active",
        ]
        help_texts = {"nip": _("18 digit: tanggal lahir, TMT CPNS, jenis kelamin, nomor urut.")}

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(agency=agency).order_by("name")  # type: ignore[attr-defined]
        supervisors = Employee.objects.filter(agency=agency, is_active=True).only(
            "id", "name", "nip"
        )
        if self.instance.pk:
            supervisors = supervisors.exclude(pk=self.instance.pk)
        self.fields["supervisor"].queryset = supervisors.order_by("name")  # type: ignore[attr-defined]
        self.fields["gender"].required = False

    def clean_nip(self) -> str:
        return normalise_nip(self.cleaned_data["nip"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Uji coba saja (periksa tanpa menyimpan)"), required=False)
