"""Template context for the UI shell: the navigation the signed-in person may use."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    agency = getattr(request, "agency", None)
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        nav.append((_("Beranda"), reverse("home")))
        employee = permissions.employee_of(user)
        if employee is not None:
            nav.append((_("Profil saya"), reverse("organisation:me")))
            nav.append((_("Tim saya"), reverse("organisation:team")))
        if permissions.can_view_all_employees(user, agency):
            nav.append((_("Pegawai"), reverse("organisation:employee_list")))
        if permissions.can_view_organisation(user, agency):
            nav.append((_("Unit kerja"), reverse("organisation:unit_list")))
            nav.append((_("Jabatan"), reverse("organisation:position_list")))
            nav.append((_("Kompetensi"), reverse("competencies:framework")))
        if permissions.can_manage_organisation(user, agency):
            nav.append((_("Impor"), reverse("organisation:import_employees")))
        if permissions.can_manage_tokens(user, agency):
            nav.append((_("Token API"), reverse("core:tokens")))
            nav.append((_("Jejak audit"), reverse("core:audit")))
    return {"nav_items": nav, "current_agency": agency}
