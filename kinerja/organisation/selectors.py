"""Organisation reads for pages, API and reports: each fetches what it needs in one go."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from kinerja.core.models import Agency

from .models import Employee, OrgUnit, Position


def agency_stats(*, agency: Agency) -> dict[str, int]:
    return {
        "employees": Employee.objects.filter(agency=agency, is_active=True).count(),
        "units": OrgUnit.objects.filter(agency=agency).count(),
        "positions": Position.objects.filter(agency=agency).count(),
    }


def employee_list(
    *, agency: Agency, search: str = "", unit_id: int | None = None, include_subunits: bool = False
) -> QuerySet[Employee]:
    qs = Employee.objects.filter(agency=agency).select_related("position", "unit", "supervisor")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(nip__startswith=search.replace(" ", "")))
    if unit_id:
        ids = unit_descendant_ids(agency=agency, unit_id=unit_id) if include_subunits else [unit_id]
        qs = qs.filter(unit_id__in=ids)
    return qs.order_by("name", "nip")


def team_of(*, supervisor: Employee) -> QuerySet[Employee]:
    return (
        Employee.objects.filter(
            agency_id=supervisor.agency_id, supervisor=supervisor, is_active=True
        )
        .select_related("position", "unit")
        .annotate(team_size=Count("subordinates"))
        .order_by("name")
    )


def employee_detail(*, agency: Agency, pk: int) -> Employee:
    return (
        Employee.objects.filter(agency=agency)
        .select_related("position", "unit", "supervisor", "supervisor__position", "user")
        .get(pk=pk)
    )


def position_list(*, agency: Agency, search: str = "") -> QuerySet[Position]:
    qs = (
        Position.objects.filter(agency=agency)
        .select_related("unit")
        .annotate(
            holder_count=Count("employees", distinct=True),
            standard_count=Count("standards", distinct=True),
        )
    )
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name")


@dataclass
class UnitNode:
    unit: OrgUnit
    employee_count: int
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(*, agency: Agency) -> list[UnitNode]:
    """The agency's units as a forest, with employee counts; two queries whatever the size."""
    units = list(
        OrgUnit.objects.filter(agency=agency).annotate(
            employee_count=Count("employees", filter=Q(employees__is_active=True))
        )
    )
    nodes = {u.pk: UnitNode(u, u.employee_count) for u in units}
    roots: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots


def unit_descendant_ids(*, agency: Agency, unit_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.filter(agency=agency).values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, []))
    return out


def unit_choices(*, agency: Agency) -> list[tuple[int, str]]:
    """(id, indented name) in tree order, for select boxes."""
    out: list[tuple[int, str]] = []

    def walk(nodes: list[UnitNode], depth: int) -> None:
        for node in sorted(nodes, key=lambda n: n.unit.name):
            out.append((node.unit.pk, "— " * depth + node.unit.name))
            walk(node.children, depth + 1)

    walk(unit_tree(agency=agency), 0)
    return out
