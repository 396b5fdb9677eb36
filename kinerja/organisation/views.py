"""Organisation pages: profile, team, employees, units, positions and the import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.competencies.selectors import standard_for_position
from kinerja.core import permissions
from kinerja.core.errors import KinerjaError
from kinerja.core.tenancy import get_for_agency_or_404
from kinerja.core.types import AgencyRequest
from kinerja.core.views import agency_required
from kinerja.jobs.files import import_upload
from kinerja.jobs.models import Job

from . import selectors, services
from .forms import AgencyForm, EmployeeForm, ImportForm, PositionForm, UnitForm
from .importing import COLUMNS, employees_import, import_template_xlsx
from .models import Employee, OrgUnit, Position

PAGE_SIZE = 50


def _edit(
    request: AgencyRequest,
    *,
    form_class: type[AgencyForm],
    save: Callable[..., Any],
    instance: Any,
    title: str,
    success: Callable[[Any], str],
    cancel_url: str,
) -> HttpResponse:
    """The shared create/edit flow: bind, validate, call the service, show its refusal."""
    form = form_class(request.POST or None, instance=instance, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form._meta.fields or []}
        try:
            obj = save(
                agency=request.agency,
                acting_user=request.user,
                **values,
                **({form._meta.model._meta.model_name: instance} if instance else {}),
            )
        except KinerjaError as error:
            for detail in error.details:
                if detail.get("field") in form.fields:
                    form.add_error(detail["field"], detail["message"])
            if not error.details:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Tersimpan: %(obj)s") % {"obj": obj})
            return redirect(success(obj))
    return render(
        request, "organisation/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


def _delete(
    request: AgencyRequest,
    *,
    obj: Any,
    delete: Callable[..., None],
    success_url: str,
    cancel_url: str,
    kwarg: str,
) -> HttpResponse:
    if request.method == "POST":
        try:
            delete(agency=request.agency, acting_user=request.user, **{kwarg: obj})
        except KinerjaError as error:
            messages.error(request, error.message)
            return redirect(cancel_url)
        messages.success(request, _("Dihapus: %(obj)s") % {"obj": obj})
        return redirect(success_url)
    return render(request, "core/confirm_delete.html", {"object": obj, "cancel_url": cancel_url})


# --- home, self and team -----------------------------------------------------------------------------


@login_required
def home(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    employee = permissions.employee_of(request.user)
    context = {
        "employee": employee,
        "team_size": employee.subordinates.count() if employee else 0,
        "can_manage": permissions.can_manage_organisation(request.user, agency),
    }
    if permissions.can_view_all_employees(request.user, agency):
        context["stats"] = selectors.agency_stats(agency=agency)
    if agency is not None:
        from kinerja.assessment.expectations import expectations_of
        from kinerja.assessment.selectors import running_cycles

        context["running_cycles"] = list(running_cycles(agency=agency))
        context["can_view_progress"] = permissions.can_view_cycle_progress(request.user, agency)
        if employee is not None and employee.agency_id == agency.pk:
            context["expectations"] = expectations_of(
                employee=employee, user=request.user, has_team=bool(context["team_size"])
            )
    return render(request, "organisation/home.html", context)


@login_required
def me(request: AgencyRequest) -> HttpResponse:
    employee = permissions.employee_of(request.user)
    if employee is None or request.agency is None:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    return employee_detail(request, employee.pk)


@login_required
def team(request: AgencyRequest) -> HttpResponse:
    employee = permissions.employee_of(request.user)
    if employee is None:
        raise Http404(_("Akun Anda belum terhubung ke data pegawai."))
    members = selectors.team_of(supervisor=employee)
    return render(request, "organisation/team.html", {"me": employee, "members": members})


# --- employees ---------------------------------------------------------------------------------


@agency_required(permissions.can_view_all_employees)
def employee_list(request: AgencyRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    unit_raw = request.GET.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() else None
    qs = selectors.employee_list(
        agency=request.agency, search=search, unit_id=unit_id, include_subunits=True
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/employee_list.html",
        {
            "page": page,
            "q": search,
            "unit_id": unit_id,
            "units": selectors.unit_choices(agency=request.agency),
            "can_manage": permissions.can_manage_organisation(request.user, request.agency),
        },
    )


@login_required
def employee_detail(request: AgencyRequest, pk: int) -> HttpResponse:
    if request.agency is None:
        raise Http404
    try:
        employee = selectors.employee_detail(agency=request.agency, pk=pk)
    except Employee.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.can_view_employee(request.user, employee):
        raise Http404
    return render(
        request,
        "organisation/employee_detail.html",
        {
            "employee": employee,
            "standard": standard_for_position(position=employee.position),
            "subordinates": selectors.team_of(supervisor=employee),
            "can_manage": permissions.can_manage_organisation(request.user, request.agency),
            "is_me": employee.user_id == request.user.pk,
        },
    )


@agency_required(permissions.can_manage_organisation)
def employee_edit(request: AgencyRequest, pk: int | None = None) -> HttpResponse:
    employee = get_for_agency_or_404(Employee, request.agency, pk=pk) if pk else None
    return _edit(
        request,
        form_class=EmployeeForm,
        save=services.employee_save,
        instance=employee,
        title=_("Ubah pegawai") if employee else _("Tambah pegawai"),
        success=lambda e: reverse("organisation:employee_detail", args=[e.pk]),
        cancel_url=reverse("organisation:employee_list"),
    )


@agency_required(permissions.can_manage_organisation)
def employee_delete(request: AgencyRequest, pk: int) -> HttpResponse:
    employee = get_for_agency_or_404(Employee, request.agency, pk=pk)
    return _delete(
        request,
        obj=employee,
        delete=services.employee_delete,
        kwarg="employee",
        success_url=reverse("organisation:employee_list"),
        cancel_url=reverse("organisation:employee_detail", args=[pk]),
    )


@agency_required(permissions.can_manage_organisation)
def employee_login(request: AgencyRequest, pk: int) -> HttpResponse:
    employee = get_for_agency_or_404(Employee, request.agency, pk=pk)
    if request.method != "POST":
        raise Http404
    try:
        username, password = services.employee_login_create(
            agency=request.agency, employee=employee, acting_user=request.user
        )
    except KinerjaError as error:
        messages.error(request, error.message)
        return redirect("organisation:employee_detail", pk=pk)
    messages.success(
        request,
        _(
            "Akun dibuat. Nama pengguna: %(u)s · kata sandi sementara: %(p)s "
            "(sampaikan ke pegawai; hanya ditampilkan sekali)."
        )
        % {"u": username, "p": password},
    )
    return redirect("organisation:employee_detail", pk=pk)


# --- units -------------------------------------------------------------------------------------


@agency_required(permissions.can_view_organisation)
def unit_list(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "organisation/unit_list.html",
        {
            "tree": selectors.unit_tree(agency=request.agency),
            "can_manage": permissions.can_manage_organisation(request.user, request.agency),
            # The "N pegawai" count links to the employee list only for who may open it.
            "can_list_employees": permissions.can_view_all_employees(request.user, request.agency),
        },
    )


@agency_required(permissions.can_manage_organisation)
def unit_edit(request: AgencyRequest, pk: int | None = None) -> HttpResponse:
    unit = get_for_agency_or_404(OrgUnit, request.agency, pk=pk) if pk else None
    return _edit(
        request,
        form_class=UnitForm,
        save=services.unit_save,
        instance=unit,
        title=_("Ubah unit kerja") if unit else _("Tambah unit kerja"),
        success=lambda u: reverse("organisation:unit_list"),
        cancel_url=reverse("organisation:unit_list"),
    )


@agency_required(permissions.can_manage_organisation)
def unit_delete(request: AgencyRequest, pk: int) -> HttpResponse:
    unit = get_for_agency_or_404(OrgUnit, request.agency, pk=pk)
    url = reverse("organisation:unit_list")
    return _delete(
        request,
        obj=unit,
        delete=services.unit_delete,
        kwarg="unit",
        success_url=url,
        cancel_url=url,
    )


# --- positions ---------------------------------------------------------------------------------


@agency_required(permissions.can_view_organisation)
def position_list(request: AgencyRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = Paginator(
        selectors.position_list(agency=request.agency, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/position_list.html",
        {
            "page": page,
            "q": search,
            "can_manage": permissions.can_manage_organisation(request.user, request.agency),
        },
    )


@agency_required(permissions.can_view_organisation)
def position_detail(request: AgencyRequest, pk: int) -> HttpResponse:
    position = get_for_agency_or_404(Position.objects.select_related("unit"), request.agency, pk=pk)
    holders = position.employees.filter(is_active=True).select_related("unit").order_by("name")
    return render(
        request,
        "organisation/position_detail.html",
        {
            "position": position,
            "standard": standard_for_position(position=position),
            "holders": holders
            if permissions.can_view_all_employees(request.user, request.agency)
            else None,
            "can_manage": permissions.can_manage_framework(request.user, request.agency),
        },
    )


@agency_required(permissions.can_manage_organisation)
def position_edit(request: AgencyRequest, pk: int | None = None) -> HttpResponse:
    position = get_for_agency_or_404(Position, request.agency, pk=pk) if pk else None
    return _edit(
        request,
        form_class=PositionForm,
        save=services.position_save,
        instance=position,
        title=_("Ubah jabatan") if position else _("Tambah jabatan"),
        success=lambda p: reverse("organisation:position_detail", args=[p.pk]),
        cancel_url=reverse("organisation:position_list"),
    )


@agency_required(permissions.can_manage_organisation)
def position_delete(request: AgencyRequest, pk: int) -> HttpResponse:
    position = get_for_agency_or_404(Position, request.agency, pk=pk)
    return _delete(
        request,
        obj=position,
        delete=services.position_delete,
        kwarg="position",
        success_url=reverse("organisation:position_list"),
        cancel_url=reverse("organisation:position_detail", args=[pk]),
    )


# --- import ------------------------------------------------------------------------------------


@agency_required(permissions.can_manage_organisation)
def import_employees(request: AgencyRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            outcome = import_upload(
                kind=Job.Kind.EMPLOYEES_IMPORT,
                service=employees_import,
                agency=request.agency,
                data=data,
                filename=upload.name,
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if isinstance(outcome, Job):  # a large file: a job, followed on its page
                return redirect("jobs:detail", job_id=outcome.pk)
            report = outcome
        except KinerjaError as exc:
            error = exc
    return render(
        request,
        "organisation/import.html",
        {"form": form, "report": report, "error": error, "columns": COLUMNS},
    )


@agency_required(permissions.can_manage_organisation)
def import_template(request: AgencyRequest) -> HttpResponse:
    response = HttpResponse(
        import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-impor-pegawai.xlsx"'
    return response
