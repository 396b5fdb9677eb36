"""Appends audit events to hash chains (one per acting user of an agency) and verifies them.

Each agency has several chains: one per acting user ("user:<id>") and one for the system
("system": the CLI, the demo, jobs without a user), plus "legacy", the single per-agency chain of
the events recorded before chains existed. An event stores its chain and its place in it (seq 1,
2, 3, … with no gap) and hashes the previous event's hash with its own content (chain and seq
included). The head of each chain (AuditChain) holds its length and last hash; a write locks only
that head row, so one person's writes are serial (they are anyway) and different people's writes
never wait for each other, where one lock per agency made every submit of an agency queue.

A transaction appends all its events of one agency to the first chain it locked there (whoever
the later events' actors are), so it never holds two heads of one agency: two transactions cannot
deadlock by taking two heads in opposite orders. The chain an event sits in is only where its
hash links; who acted is in the event itself."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import rows
from .models import Agency, AuditChain, AuditEvent

LEGACY = "legacy"
SYSTEM = "system"


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    payload = {
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
    if event.chain != LEGACY:  # events from before chains were hashed without these, unchanged
        payload |= {"chain": event.chain, "seq": event.seq}
    return payload


def user_or_none(acting_user: Any) -> Any:
    """The saved user behind `acting_user`, or None for the system (CLI, demo, simulation)."""
    return acting_user if getattr(acting_user, "pk", None) else None


def chain_key(acting_user: Any) -> str:
    """The chain a user's writes go to: their own, or the system's."""
    pk = getattr(acting_user, "pk", None)
    return f"user:{pk}" if pk else SYSTEM


class _HeadHeld:
    """Registered with on_commit when a transaction locks a chain head: while it is pending, this
    transaction (or savepoint) holds that head. Django drops it at commit or rollback, and with a
    rolled-back savepoint, exactly when the database releases the row lock taken inside it."""

    def __init__(self, agency_id: int | None, key: str) -> None:
        self.agency_id, self.key = agency_id, key

    def __call__(self) -> None:
        pass


def _key_held(agency_id: int | None) -> str | None:
    # connection.run_on_commit holds (savepoint ids, callback, robust) for the open transaction.
    for entry in connection.run_on_commit:
        held = entry[1]
        if isinstance(held, _HeadHeld) and held.agency_id == agency_id:
            return held.key
    return None


def _locked_head(agency_id: int | None, key: str) -> AuditChain | None:
    """The existing head, locked, read by hand (PostgreSQL): the common case of `_lock_head`, on
    every audited write, without the ORM's compiling. None when the chain has no head yet."""
    params: list[Any] = [key] if agency_id is None else [agency_id, key]
    agency_is = "IS NULL" if agency_id is None else "= %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(AuditChain, 'h')} FROM {AuditChain._meta.db_table} h "
            f"WHERE h.agency_id {agency_is} AND h.key = %s FOR UPDATE",
            params,
        )
        row = cursor.fetchone()
    return rows.instance(AuditChain, row) if row is not None else None


def _lock_head(agency: Agency | None, acting_user: Any) -> AuditChain:
    """Locks the head this write appends to, creating it on a chain's first event (two first
    writers at once: the unique constraint makes the second wait, then lock the same row; on
    PostgreSQL its INSERT … ON CONFLICT DO NOTHING waits for the first one's commit and its
    SELECT … FOR UPDATE, a new snapshot, then finds that row)."""
    agency_id = agency.pk if agency is not None else None
    held = _key_held(agency_id)
    key = held or chain_key(acting_user)
    if connection.vendor == "postgresql":
        head = _locked_head(agency_id, key)
        if head is None:  # the chain's first event: its head is made, then locked
            columns, placeholders, values = rows.insert_parts(AuditChain(agency=agency, key=key))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {AuditChain._meta.db_table} ({columns}) "
                    f"VALUES ({placeholders}) ON CONFLICT DO NOTHING",
                    values,
                )
            head = _locked_head(agency_id, key)
            assert head is not None  # made here, or by a first writer at once (committed)
    else:
        head, _created = AuditChain.objects.select_for_update().get_or_create(
            agency=agency, key=key
        )
    if held is None:
        transaction.on_commit(_HeadHeld(agency_id, key))
    return head


# No savepoint of its own: an event is part of the write it records, so if it fails the whole
# write fails (two statements fewer on every audited write inside a service's transaction).
@transaction.atomic(savepoint=False)
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
    """Appends one event to the acting user's chain, holding only that chain's head row."""
    head = _lock_head(agency, acting_user)
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
        chain=head.key,
        seq=head.seq + 1,
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event.prev_hash, _payload(event))
    head.seq, head.last_hash = event.seq, event.hash
    if connection.vendor == "postgresql":
        _append_and_advance(event, head)
    else:
        event.save()
        head.save(update_fields=["seq", "last_hash"])
    return event


def _append_and_advance(event: AuditEvent, head: AuditChain) -> None:
    """The event's INSERT and the head's UPDATE in one statement (PostgreSQL): one round trip
    fewer on every audited write, with the same rows as event.save() and head.save()."""
    columns, placeholders, values = rows.insert_parts(event)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH e AS (INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id), "
            f"h AS (UPDATE {quote(AuditChain._meta.db_table)} SET seq = %s, last_hash = %s "
            "WHERE id = %s) SELECT id FROM e",
            [*values, head.seq, head.last_hash, head.pk],
        )
        rows.saved(event, cursor.fetchone()[0])


@dataclass(frozen=True)
class AuditBreak:
    """Where a chain does not verify: the event (None when no event is left to name) and why."""

    chain: str
    event_id: int | None
    reason: str


def audit_check(*, agency: Agency | None) -> list[AuditBreak]:
    """Walks every chain of the agency, in order: each event's hash must match its content and
    the previous event's hash, its place must follow the previous one's with no gap, and the
    chain must end where its head says. Names the event after an edit's link or a gap (an event
    deleted from the middle), the last event when the end is missing."""
    breaks: list[AuditBreak] = []
    heads = {h.key: h for h in AuditChain.objects.filter(agency=agency)}
    events = AuditEvent.objects.filter(agency=agency).order_by("chain", "seq").iterator()
    for key, chain_events in groupby(events, key=lambda e: e.chain):
        prev_hash, prev_seq, last = "", 0, None
        for event in chain_events:
            if event.seq != prev_seq + 1:
                breaks.append(AuditBreak(key, event.id, f"gap before place {event.seq}"))
            elif event.prev_hash != prev_hash:
                breaks.append(AuditBreak(key, event.id, "does not link to the previous event"))
            elif event.hash != _digest(prev_hash, _payload(event)):
                breaks.append(AuditBreak(key, event.id, "content does not match its hash"))
            prev_hash, prev_seq, last = event.hash, event.seq, event
        head = heads.pop(key, None)
        assert last is not None  # groupby yields no empty group
        if head is None:
            breaks.append(AuditBreak(key, last.id, "the chain's head is missing"))
        elif (head.seq, head.last_hash) != (last.seq, last.hash):
            breaks.append(AuditBreak(key, last.id, f"the head says {head.seq} events"))
    for key, head in heads.items():
        if head.seq:
            breaks.append(AuditBreak(key, None, f"every event is missing (head: {head.seq})"))
    return breaks


def audit_verify(*, agency: Agency | None) -> list[int]:
    """The ids of the events where the agency's chains break; empty means every event left
    verifies. audit_check says why, and also names a chain whose every event is gone."""
    return [b.event_id for b in audit_check(agency=agency) if b.event_id is not None]


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The plain values of `fields` on `obj`, for before/after in an audit event."""
    return {f: getattr(obj, f) for f in fields}
