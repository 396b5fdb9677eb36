"""Competency reads: the dictionary an agency sees and a position's standard with level texts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kinerja.core.models import Agency
from kinerja.organisation.models import Position

from .models import BehaviourValue, Competency, CompetencyLevel, Framework, PositionStandard


def current_framework() -> Framework | None:
    return Framework.objects.filter(is_current=True).order_by("-version").first()


def competencies_for_agency(*, agency: Agency, with_levels: bool = False) -> QuerySet[Competency]:
    """The current national competencies plus the agency's own teknis ones."""
    framework = current_framework()
    qs = (
        Competency.objects.filter(Q(framework=framework) | Q(agency=agency))
        if framework
        else Competency.objects.filter(agency=agency)
    )
    if with_levels:
        qs = qs.prefetch_related(
            Prefetch("levels", queryset=CompetencyLevel.objects.order_by("level"))
        )
    return qs.order_by("agency_id", "order", "code")


def behaviour_values() -> QuerySet[BehaviourValue]:
    framework = current_framework()
    return BehaviourValue.objects.filter(framework=framework).order_by("order")


@dataclass
class StandardRow:
    competency: Competency
    required_level: int
    level: CompetencyLevel | None


def standard_for_position(*, position: Position) -> list[StandardRow]:
    """The position's required levels with the matching level title and indicators; 2 queries."""
    standards = list(
        PositionStandard.objects.filter(position=position)
        .select_related("competency")
        .order_by("competency__agency_id", "competency__order", "competency__code")
    )
    levels = {
        (lv.competency_id, lv.level): lv
        for lv in CompetencyLevel.objects.filter(
            competency_id__in=[s.competency_id for s in standards]
        )
    }
    return [
        StandardRow(s.competency, s.required_level, levels.get((s.competency_id, s.required_level)))
        for s in standards
    ]
