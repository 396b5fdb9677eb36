"""Appends audit events, chained by hash per agency, and verifies the chain."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Agency, AuditEvent


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "agency": event.agency_id,
        "actor": event.actor_ref,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(),
    }


def user_or_none(acting_user: Any) -> Any:
    """The saved user behind `acting_user`, or None for the system (CLI, demo, simulation)."""
    return acting_user if getattr(acting_user, "pk", None) else None


@transaction.atomic
def audit_record(
    *,
    agency: Agency | None,
    acting_user,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Appends one event. Locks the agency row so concurrent writers never fork the chain."""
    if agency is not None:
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
    last = AuditEvent.objects.filter(agency=agency).order_by("-id").only("hash").first()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    event = AuditEvent(
        agency=agency,
        actor=user_or_none(acting_user),
        actor_ref=getattr(acting_user, "pk", None),
        actor_label=str(acting_user or "system")[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=str(summary)[:300],
        before=json.loads(json.dumps(before, default=str)) if before is not None else None,
        after=json.loads(json.dumps(after, default=str)) if after is not None else None,
        created_at=timezone.now(),
        prev_hash=last.hash if last else "",
    )
    event.hash = _digest(event.prev_hash, _payload(event))
    event.save()
    return event


def audit_verify(*, agency: Agency | None) -> list[int]:
    """Returns the ids of events whose hash does not match; empty means the chain is intact."""
    broken: list[int] = []
    prev = ""
    for event in AuditEvent.objects.filter(agency=agency).order_by("id").iterator():
        if event.prev_hash != prev or event.hash != _digest(prev, _payload(event)):
            broken.append(event.id)
        prev = event.hash
    return broken


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The plain values of `fields` on `obj`, for before/after in an audit event."""
    return {f: getattr(obj, f) for f in fields}
