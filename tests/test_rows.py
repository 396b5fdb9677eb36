"""Rows read and written by hand on the rater's hot path (kinerja.core.rows, the form's one-statement
load and the frozen items' cache) give what the ORM gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kinerja.assessment import selectors, services
from kinerja.assessment.models import Cycle, RaterAssignment, Relation, Response
from kinerja.core import rows
from kinerja.core.models import AuditChain
from kinerja.organisation.models import Employee


@pytest.fixture
def cycle(world, framework) -> Cycle:
    draft = services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Siklus Baris",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    services.assignments_generate(cycle=draft, acting_user=world.admin)
    return services.cycle_start(cycle=draft, acting_user=world.admin)


def by_hand(model, pk, *, exclude=()):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(model, 't', exclude=exclude)} FROM {table} t WHERE t.id = %s",
            [pk],
        )
        return rows.instance(model, cursor.fetchone(), exclude=exclude)


def fields(obj, exclude=()):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in exclude
    }


@pytest.mark.parametrize("model", [Cycle, RaterAssignment, Employee, AuditChain])
def test_an_instance_read_by_hand_equals_the_orms(model, cycle):
    obj = model.objects.order_by("pk").first()
    mine = by_hand(model, obj.pk)
    assert fields(mine) == fields(obj)  # datetimes, dates, decimals, JSON, booleans converted
    assert not mine._state.adding and mine._state.db == "default"


def test_excluded_fields_are_deferred_and_load_when_read(cycle):
    mine = by_hand(Cycle, cycle.pk, exclude=selectors.FROZEN_FIELDS)
    assert mine.get_deferred_fields() == set(selectors.FROZEN_FIELDS)
    assert fields(mine, selectors.FROZEN_FIELDS) == fields(cycle, selectors.FROZEN_FIELDS)
    assert mine.items == cycle.items  # one query, as with .defer()


def test_a_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="AuditChain"):
        rows.instance(AuditChain, (1, 2))


def test_insert_parts_prepare_what_save_would_store(world):
    made = AuditChain(agency=world.agency, key="uji", seq=7, last_hash="ab" * 32)
    columns, placeholders, values = rows.insert_parts(made)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditChain._meta.db_table} ({columns}) VALUES ({placeholders})", values
        )
    stored = AuditChain.objects.get(key="uji")
    assert model_to_dict(stored, exclude=["id"]) == model_to_dict(made, exclude=["id"])


def test_the_form_load_is_one_statement_with_cycle_and_ratee(world, cycle):
    a = RaterAssignment.objects.get(cycle=cycle, rater=world.staff_employee, relation=Relation.PEER)
    selectors.form_assignment(a.pk)  # the cycle's first form in this process reads its items
    with CaptureQueriesContext(connection) as ctx:
        mine = selectors.form_assignment(a.pk)
        ratee_name, position = mine.ratee.name, mine.ratee.position_id
        codes = [i["code"] for i in services.items_for_ratee(mine.cycle, mine.ratee)]
    assert len(ctx) == 1  # the frozen items come from the process's cache
    assert fields(mine) == fields(a)
    assert (ratee_name, position) == (a.ratee.name, a.ratee.position_id)
    assert codes == [i["code"] for i in services.items_for_ratee(cycle, a.ratee)]
    assert selectors.form_assignment(a.pk + 10_000) is None


def test_frozen_items_are_read_once_per_cycle_start(cycle):
    selectors._frozen.clear()
    plain = Cycle.objects.defer(*selectors.FROZEN_FIELDS).get(pk=cycle.pk)
    with CaptureQueriesContext(connection) as first:
        selectors.with_frozen(plain)
    with CaptureQueriesContext(connection) as again:
        selectors.with_frozen(Cycle.objects.defer(*selectors.FROZEN_FIELDS).get(pk=cycle.pk))
    assert (len(first), len(again)) == (1, 1)  # the second: only the cycle's own get
    assert (plain.items, plain.standards) == (cycle.items, cycle.standards)

    # The same id with another start (a test database that reuses ids) is read afresh.
    Cycle.objects.filter(pk=cycle.pk).update(
        started_at=cycle.started_at + dt.timedelta(seconds=1), items=cycle.items[:3]
    )
    later = selectors.with_frozen(Cycle.objects.defer(*selectors.FROZEN_FIELDS).get(pk=cycle.pk))
    assert later.items == cycle.items[:3]


def test_a_draft_cycle_is_never_cached(world, cycle):
    draft = services.cycle_create(
        agency=world.agency,
        acting_user=world.admin,
        name="Draf",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    selectors.with_frozen(draft)
    assert all(key[0] != draft.pk for key in selectors._frozen)


def test_a_submit_by_hand_stores_what_the_orm_would(world, cycle):
    """The response and its answers in one statement (PostgreSQL) or through the ORM (SQLite):
    the same rows either way, read back through the ORM."""
    a = RaterAssignment.objects.get(cycle=cycle, rater=world.staff_employee, relation=Relation.SELF)
    services.acknowledge(cycle=cycle, user=world.staff)
    items = services.items_for_ratee(cycle, a.ratee)
    answers = {
        item["code"]: services.Answer(level=1 + n % 5, comment=f"catatan {n}")
        for n, item in enumerate(items)
    }
    answers[items[0]["code"]] = services.Answer(cannot_rate=True, comment="tidak tahu")
    saved = services.response_save(
        assignment=a,
        answers=answers,
        strengths="teliti",
        to_develop="cepat",
        acting_user=world.staff,
        submit=True,
    )
    stored = Response.objects.get(assignment=a)
    assert stored.pk == saved.pk and stored.is_submitted
    assert (stored.strengths, stored.to_develop, stored.version) == ("teliti", "cepat", 1)
    assert {i.item: (i.level, i.cannot_rate, i.comment) for i in stored.items.all()} == {
        code: (None if x.cannot_rate else x.level, x.cannot_rate, x.comment)
        for code, x in answers.items()
    }
