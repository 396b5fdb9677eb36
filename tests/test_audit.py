"""The audit log: events chained by hash per acting user of an agency, tamper detection, services that record."""

from __future__ import annotations

import hashlib
import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kinerja.core.audit import audit_check, audit_record, audit_verify
from kinerja.core.models import AuditChain, AuditEvent
from kinerja.organisation.services import unit_save


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def record(agency, user, n: int) -> AuditEvent:
    return audit_record(
        agency=agency,
        acting_user=user,
        action="test.event",
        object_type="test.thing",
        object_id=n,
        summary=f"peristiwa {n}",
        before={"n": n - 1},
        after={"n": n, "nama": "Ñoño ü", "daftar": [1, 2, 3]},
    )


def test_events_are_chained_by_hash_within_each_agency(world):
    first = record(world.agency, world.admin, 1)
    other = record(world.other_agency, world.outsider, 1)
    second = record(world.agency, world.admin, 2)

    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert other.prev_hash == ""  # agency B's chain starts on its own
    assert len({first.hash, second.hash, other.hash}) == 3
    assert second.actor == world.admin and second.actor_label == str(world.admin)


def test_intact_chain_verifies_clean(world):
    for n in range(1, 5):
        record(world.agency, world.admin, n)
    record(world.other_agency, world.outsider, 1)
    assert audit_verify(agency=world.agency) == []
    assert audit_verify(agency=world.other_agency) == []


@pytest.mark.parametrize(
    "change",
    [{"after": {"n": 99}}, {"summary": "diubah"}, {"action": "test.other"}, {"before": None}],
    ids=["after", "summary", "action", "before"],
)
def test_tampered_event_is_reported_by_verify(world, change):
    events = [record(world.agency, world.admin, n) for n in range(1, 5)]
    record(world.other_agency, world.outsider, 1)
    tampered = events[1]

    AuditEvent.objects.filter(pk=tampered.pk).update(**change)

    assert audit_verify(agency=world.agency) == [tampered.pk]
    assert audit_verify(agency=world.other_agency) == []


def test_deleted_event_breaks_the_chain_at_its_successor(world):
    events = [record(world.agency, world.admin, n) for n in range(1, 4)]
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert audit_verify(agency=world.agency) == [events[2].pk]


def test_system_events_without_agency_have_their_own_chain(world):
    first = audit_record(agency=None, acting_user=None, action="system.test", summary="satu")
    second = audit_record(agency=None, acting_user=None, action="system.test", summary="dua")
    assert second.prev_hash == first.hash
    assert first.actor is None and first.actor_label == "system"
    assert audit_verify(agency=None) == []


def test_unit_save_records_unit_create_with_the_acting_user(world):
    unit = unit_save(
        agency=world.agency,
        acting_user=world.admin,
        name="Bidang Audit",
        kind="bidang",
        parent=world.unit,
    )
    event = AuditEvent.objects.get(agency=world.agency, action="unit.create")
    assert event.actor == world.admin
    assert (event.object_type, event.object_id) == ("organisation.orgunit", str(unit.pk))
    assert event.before is None
    assert event.after["name"] == "Bidang Audit" and event.after["parent_id"] == world.unit.pk
    assert audit_verify(agency=world.agency) == []


def test_unit_update_records_before_and_after(world):
    unit_save(agency=world.agency, acting_user=world.admin, unit=world.subunit, name="Seksi Baru")
    event = AuditEvent.objects.get(agency=world.agency, action="unit.update")
    assert event.before["name"] == "Seksi Pemerintahan A"
    assert event.after["name"] == "Seksi Baru"
    assert event.object_id == str(world.subunit.pk)


def test_deleting_a_user_keeps_the_chain_intact_and_the_actor_recorded(world, django_user_model):
    leaver = django_user_model.objects.create_user("pindah-tugas", password="x")
    events = [record(world.agency, leaver, n) for n in range(1, 3)]
    leaver.delete()

    event = AuditEvent.objects.get(pk=events[0].pk)
    assert event.actor is None  # the FK lets the user go…
    assert event.actor_ref == events[0].actor_ref and event.actor_label == "pindah-tugas"
    assert audit_verify(agency=world.agency) == []  # …and the chain still verifies


# --- one chain per acting user ------------------------------------------------------------------
# transaction=True: a test's own transaction would hold every event in one chain (below).


@pytest.mark.django_db(transaction=True)
def test_each_users_writes_go_to_their_own_chain_and_the_systems_to_one(world):
    a1, s1 = record(world.agency, world.admin, 1), record(world.agency, world.staff, 1)
    a2, s2 = record(world.agency, world.admin, 2), record(world.agency, world.staff, 2)
    system = audit_record(agency=world.agency, acting_user=None, action="system.test")

    assert (a1.chain, a2.chain) == (f"user:{world.admin.pk}",) * 2
    assert (s1.chain, s2.chain) == (f"user:{world.staff.pk}",) * 2
    assert system.chain == "system"
    assert [(e.seq, e.prev_hash) for e in (a1, a2)] == [(1, ""), (2, a1.hash)]
    assert [(e.seq, e.prev_hash) for e in (s1, s2)] == [(1, ""), (2, s1.hash)]
    heads = {h.key: (h.seq, h.last_hash) for h in AuditChain.objects.filter(agency=world.agency)}
    assert heads[a1.chain] == (2, a2.hash) and heads[s1.chain] == (2, s2.hash)
    assert heads["system"] == (1, system.hash)
    assert audit_verify(agency=world.agency) == []


@pytest.mark.django_db(transaction=True)
def test_one_transaction_appends_every_event_to_the_chain_it_locked_first(world):
    """So a transaction never holds two heads of one agency (no deadlock between two of them)."""
    with transaction.atomic():
        first = record(world.agency, world.admin, 1)
        second = record(world.agency, world.staff, 1)
        other_agency = record(world.other_agency, world.staff, 1)
    after = record(world.agency, world.staff, 2)

    assert second.chain == first.chain and second.prev_hash == first.hash
    assert second.actor == world.staff  # who acted is in the event, whatever its chain
    assert other_agency.chain == f"user:{world.staff.pk}"
    assert after.chain == f"user:{world.staff.pk}" and after.seq == 1  # a new transaction
    assert audit_verify(agency=world.agency) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_leaves_no_trace_in_the_chain(world):
    with transaction.atomic():
        try:
            with transaction.atomic():
                record(world.agency, world.admin, 1)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        kept = record(world.agency, world.staff, 1)
    assert (kept.chain, kept.seq, kept.prev_hash) == (f"user:{world.staff.pk}", 1, "")
    assert AuditEvent.objects.filter(agency=world.agency).count() == 1
    assert audit_verify(agency=world.agency) == []


@pytest.mark.django_db(transaction=True)
def test_an_event_deleted_from_a_users_chain_is_reported_and_the_others_stay_clean(world):
    mine = [record(world.agency, world.admin, n) for n in range(1, 5)]
    theirs = [record(world.agency, world.staff, n) for n in range(1, 3)]
    AuditEvent.objects.filter(pk=mine[1].pk).delete()

    assert audit_verify(agency=world.agency) == [mine[2].pk]
    (broken,) = audit_check(agency=world.agency)
    assert broken.chain == mine[0].chain and "gap" in broken.reason
    assert theirs[1].chain != broken.chain


def test_the_last_event_cut_from_a_chain_is_reported_by_its_head(world):
    events = [record(world.agency, world.admin, n) for n in range(1, 4)]
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    assert audit_verify(agency=world.agency) == [events[1].pk]


def test_a_chain_whose_every_event_is_gone_is_reported(world):
    record(world.agency, world.admin, 1)
    AuditEvent.objects.filter(agency=world.agency).delete()
    assert audit_verify(agency=world.agency) == []  # no event left to name…
    (broken,) = audit_check(agency=world.agency)  # …but the head remembers
    assert broken.event_id is None and "missing" in broken.reason


def test_an_event_moved_to_another_place_no_longer_matches_its_hash(world):
    events = [record(world.agency, world.admin, n) for n in range(1, 4)]
    AuditEvent.objects.filter(pk=events[2].pk).update(chain="system")
    AuditChain.objects.create(agency=world.agency, key="system", seq=3, last_hash=events[2].hash)
    AuditEvent.objects.filter(pk=events[2].pk).update(seq=1, prev_hash="")
    assert events[2].pk in audit_verify(agency=world.agency)


def test_events_from_before_chains_verify_as_the_legacy_chain(world):
    """What migration 0004 leaves: the old per-agency chain, its hashes untouched (they cover
    neither chain nor seq), numbered in id order, with a head."""
    prev, events = "", []
    for n in range(1, 4):
        event = AuditEvent(
            agency=world.agency, action="old.event", summary=f"lama {n}", chain="legacy", seq=n
        )
        event.created_at = timezone.now()
        payload = {
            "agency": world.agency.pk, "actor": None, "action": "old.event", "object_type": "",
            "object_id": "", "summary": f"lama {n}", "before": None, "after": None,
            "created_at": event.created_at.isoformat(),
        }  # fmt: skip
        event.prev_hash = prev
        event.hash = prev = hashlib.sha256(
            (prev + json.dumps(payload, sort_keys=True)).encode()
        ).hexdigest()
        event.save()
        events.append(event)
    AuditChain.objects.create(agency=world.agency, key="legacy", seq=3, last_hash=prev)
    record(world.agency, world.admin, 1)  # a new event: the user's own chain, not legacy

    assert audit_verify(agency=world.agency) == []
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="diubah")
    assert audit_verify(agency=world.agency) == [events[1].pk]


@pytest.mark.django_db(transaction=True)
def test_two_users_write_at_once_without_waiting_for_each_other(world):
    """On PostgreSQL: while the admin's transaction holds its chain head, the staff member's
    audited write goes through (one lock per agency made it wait, and here time out)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever is locked")
    holding, released = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def admin_holds_its_chain():
        try:
            with transaction.atomic():
                record(world.agency, world.admin, 1)
                holding.set()
                released.wait(10)
        finally:
            connection.close()

    def staff_writes():
        try:
            holding.wait(10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                outcome["event"] = record(world.agency, world.staff, 1)
        except Exception as error:  # noqa: BLE001  (reported by the assert)
            outcome["error"] = error
        finally:
            released.set()
            connection.close()

    threads = [
        threading.Thread(target=admin_holds_its_chain),
        threading.Thread(target=staff_writes),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert "error" not in outcome, outcome
    assert outcome["event"].chain == f"user:{world.staff.pk}"
    assert audit_verify(agency=world.agency) == []


@pytest.mark.django_db(transaction=True)
def test_two_first_writes_of_one_new_chain_at_once_make_one_head_and_link(world):
    """On PostgreSQL a chain's head is made with INSERT … ON CONFLICT DO NOTHING, then locked: a
    second writer arriving while the first one's new head is uncommitted waits for it, then
    appends after it, so the chain has one head and both events in order."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever is locked")
    assert not AuditChain.objects.filter(key=f"user:{world.staff.pk}").exists()
    holding, outcome = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = record(world.agency, world.staff, 1)
                holding.set()
                time.sleep(0.5)  # the second writer is now waiting on this head
        finally:
            connection.close()

    def second():
        try:
            holding.wait(10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                outcome["second"] = record(world.agency, world.staff, 2)
        except Exception as error:  # noqa: BLE001  (reported by the assert)
            outcome["error"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert "error" not in outcome, outcome
    assert (outcome["first"].seq, outcome["second"].seq) == (1, 2)
    assert outcome["second"].prev_hash == outcome["first"].hash
    head = AuditChain.objects.get(agency=world.agency, key=f"user:{world.staff.pk}")
    assert (head.seq, head.last_hash) == (2, outcome["second"].hash)
    assert audit_verify(agency=world.agency) == []
