"""Template context for the UI shell: the navigation the signed-in person may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import permissions


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    agency = getattr(request, "agency", None)
    nav: list[tuple[Any, str]] = []
    admin: list[tuple[Any, str]] = []
    organisation: list[
        tuple[Any, str]
    ] = []  # reference data, in its own menu to keep the bar short
    if user is not None and user.is_authenticated:
        nav.append((pgettext_lazy("nav", "Beranda"), reverse("home")))
        employee = permissions.employee_of(user)
        if employee is not None:
            nav.append((pgettext_lazy("nav", "Profil saya"), reverse("organisation:me")))
            nav.append((pgettext_lazy("nav", "Penilaian saya"), reverse("assessment:my_tasks")))
            nav.append((pgettext_lazy("nav", "Hasil saya"), reverse("results:my_results")))
            nav.append((pgettext_lazy("nav", "Pengembangan saya"), reverse("development:my_plan")))
            if employee.subordinates.exists():
                nav.append((pgettext_lazy("nav", "Tim saya"), reverse("organisation:team")))
        if permissions.can_view_all_employees(user, agency):
            nav.append((pgettext_lazy("nav", "Pegawai"), reverse("organisation:employee_list")))
        if permissions.can_view_organisation(user, agency):
            organisation.append(
                (pgettext_lazy("nav", "Unit kerja"), reverse("organisation:unit_list"))
            )
            organisation.append(
                (pgettext_lazy("nav", "Jabatan"), reverse("organisation:position_list"))
            )
            organisation.append(
                (pgettext_lazy("nav", "Kompetensi"), reverse("competencies:framework"))
            )
            if permissions.is_member(user, agency):
                organisation.append(
                    (pgettext_lazy("nav", "Katalog pengembangan"), reverse("development:catalog"))
                )
        if permissions.can_view_agency_results(user, agency):
            nav.append((pgettext_lazy("nav", "Hasil instansi"), reverse("results:agency")))
        if permissions.can_view_talent(user, agency):
            nav.append((pgettext_lazy("nav", "Talenta"), reverse("talent:board")))
        if permissions.can_manage_cycles(user, agency):
            admin.append((_("Siklus penilaian"), reverse("assessment:cycle_list")))
        if permissions.can_manage_organisation(user, agency):
            admin.append((_("Impor pegawai"), reverse("organisation:import_employees")))
            admin.append((_("Impor standar kompetensi"), reverse("competencies:import_standards")))
        if permissions.can_manage_tokens(user, agency):
            admin.append((_("Token API"), reverse("core:tokens")))
        if permissions.can_manage_lockouts(user, agency):
            admin.append((_("Akun terkunci"), reverse("core:lockouts")))
        if permissions.can_manage_jobs(user, agency):
            admin.append((_("Pekerjaan latar belakang"), reverse("jobs:list")))
        if permissions.can_view_audit(user, agency):
            admin.append((_("Jejak audit"), reverse("core:audit")))
    return {
        "nav_items": nav,
        "organisation_items": organisation,
        "admin_items": admin,
        "current_agency": agency,
    }
