"""The audit log: events chained by hash per agency, tamper detection, services that record."""

from __future__ import annotations

import pytest

from kinerja.core.audit import audit_record, audit_verify
from kinerja.core.models import AuditEvent
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
