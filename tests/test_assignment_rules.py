"""The pure rater-assignment planner, over random org charts (hypothesis)."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.assessment.assignment import (
    PEER,
    SELF,
    SUBORDINATE,
    SUPERVISOR,
    Person,
    Rules,
    plan_assignments,
)

OPTIONAL = (PEER, SUBORDINATE)
POSITION_TYPES = ("pelaksana", "pengawas", "ahli_pertama")


@st.composite
def org_charts(draw) -> list[Person]:
    """A random forest of 1–60 people with sparse, unordered ids: each person's supervisor (if
    any) is someone drawn earlier, so there are no cycles; a supervisor may also be an id that is
    not in the set (someone outside the cycle)."""
    n = draw(st.integers(min_value=1, max_value=60))
    ids = draw(
        st.lists(st.integers(min_value=1, max_value=10_000), min_size=n, max_size=n, unique=True)
    )
    units = draw(st.integers(min_value=1, max_value=4))
    people = []
    for index, pk in enumerate(ids):
        choices = st.sampled_from(ids[:index]) if index else st.nothing()
        supervisor = draw(st.one_of(st.none(), choices, st.just(20_000 + pk)))
        people.append(
            Person(
                id=pk,
                supervisor_id=supervisor,
                unit_id=draw(st.integers(min_value=1, max_value=units)),
                position_type=draw(st.sampled_from(POSITION_TYPES)),
            )
        )
    return people


rules_strategy = st.builds(
    Rules,
    max_peers=st.integers(min_value=0, max_value=6),
    max_subordinates=st.integers(min_value=0, max_value=6),
    max_forms_per_rater=st.integers(min_value=1, max_value=12),
    min_peers=st.integers(min_value=1, max_value=5),
)


def as_tuples(plan) -> list[tuple[int, int, str]]:
    return [(p.rater, p.ratee, p.relation) for p in plan.pairs]


@settings(max_examples=300, deadline=None)
@given(people=org_charts(), rules=rules_strategy)
def test_every_rule_holds_on_random_org_charts(people, rules):
    plan = plan_assignments(people, rules)
    by_id = {p.id: p for p in people}
    pairs = as_tuples(plan)

    # Everyone rates themselves exactly once, and only as "diri"; nobody else rates themselves.
    self_pairs = Counter(rater for rater, ratee, rel in pairs if rel == SELF)
    assert self_pairs == Counter(list(by_id))
    for rater, ratee, rel in pairs:
        assert (rater == ratee) == (rel == SELF), (rater, ratee, rel)
        assert rater in by_id and ratee in by_id

    # Everyone whose supervisor is in the set is rated by exactly that supervisor as "atasan".
    supervisors: dict[int, list[int]] = {}
    for rater, ratee, rel in pairs:
        if rel == SUPERVISOR:
            supervisors.setdefault(ratee, []).append(rater)
    for person in people:
        expected = [person.supervisor_id] if person.supervisor_id in by_id else []
        assert supervisors.get(person.id, []) == expected

    # One relation per (rater, ratee).
    assert len({(rater, ratee) for rater, ratee, _rel in pairs}) == len(pairs)

    # Group limits per ratee.
    per_ratee = Counter((ratee, rel) for _rater, ratee, rel in pairs)
    for person in people:
        assert per_ratee[(person.id, PEER)] <= rules.max_peers
        assert per_ratee[(person.id, SUBORDINATE)] <= rules.max_subordinates

    # Optional (peer/subordinate) forms come after every mandatory one and are only added while
    # the rater's load is below the maximum, so anyone holding one stays within the maximum.
    load = Counter(rater for rater, _ratee, _rel in pairs)
    optional = Counter(rater for rater, _ratee, rel in pairs if rel in OPTIONAL)
    for rater, n in optional.items():
        assert n >= 1 and load[rater] <= rules.max_forms_per_rater, (rater, load[rater])
    assert plan.load == dict(load)

    # Relations match the org chart: a subordinate reports to the ratee; a peer is never the
    # ratee's supervisor or one of their direct reports.
    for rater, ratee, rel in pairs:
        if rel == SUBORDINATE:
            assert by_id[rater].supervisor_id == ratee
        if rel == PEER:
            assert by_id[ratee].supervisor_id != rater
            assert by_id[rater].supervisor_id != ratee

    # Nobody is left short of peers while an eligible peer still has room for another form.
    taken = {(rater, ratee) for rater, ratee, _rel in pairs}
    for person in people:
        if per_ratee[(person.id, PEER)] >= rules.max_peers:
            continue
        for candidate in peer_pool(person, people, rules):
            assert (candidate, person.id) in taken or load[candidate] >= rules.max_forms_per_rater


def peer_pool(person: Person, people: list[Person], rules: Rules) -> set[int]:
    """The rule, restated: others with the same supervisor; the same unit and position type too
    when those are fewer than `min_peers`; never the ratee's supervisor or direct reports."""
    ids = {p.id for p in people}
    pool = {
        p.id
        for p in people
        if person.supervisor_id in ids and p.supervisor_id == person.supervisor_id
    } - {person.id}
    if len(pool) < rules.min_peers:
        pool |= {
            p.id
            for p in people
            if (p.unit_id, p.position_type) == (person.unit_id, person.position_type)
        }
    return {
        c
        for c in pool - {person.id, person.supervisor_id}
        if next(p for p in people if p.id == c).supervisor_id != person.id
    }


@settings(max_examples=150, deadline=None)
@given(people=org_charts(), rules=rules_strategy, seed=st.integers(min_value=0, max_value=2**32))
def test_plan_is_deterministic_and_ignores_input_order(people, rules, seed):
    first = as_tuples(plan_assignments(people, rules))
    assert as_tuples(plan_assignments(list(people), rules)) == first
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)
    assert as_tuples(plan_assignments(shuffled, rules)) == first


@settings(max_examples=150, deadline=None)
@given(people=org_charts())
def test_peers_are_the_supervisors_other_reports_when_there_are_enough(people):
    """With the default rules, a peer shares the ratee's supervisor unless that group is smaller
    than the anonymity threshold (then the same unit and position type widen it)."""
    rules = Rules()
    by_id = {p.id: p for p in people}
    reports: dict[int, list[int]] = {}
    for p in people:
        if p.supervisor_id in by_id:
            reports.setdefault(p.supervisor_id, []).append(p.id)
    for p in plan_assignments(people, rules).pairs:
        if p.relation != PEER:
            continue
        ratee, rater = by_id[p.ratee], by_id[p.rater]
        siblings = [s for s in reports.get(ratee.supervisor_id, []) if s != ratee.id]
        if ratee.supervisor_id in by_id and len(siblings) >= rules.min_peers:
            assert rater.supervisor_id == ratee.supervisor_id
        else:
            assert rater.supervisor_id == ratee.supervisor_id or (
                rater.unit_id,
                rater.position_type,
            ) == (ratee.unit_id, ratee.position_type)


def test_a_small_team_gets_self_supervisor_peers_and_subordinates():
    head = Person(1, None, 10, "pengawas")
    staff = [Person(i, 1, 10, "pelaksana") for i in range(2, 7)]
    plan = plan_assignments([head, *staff], Rules())
    pairs = set(as_tuples(plan))
    assert (1, 2, SUPERVISOR) in pairs and (2, 2, SELF) in pairs
    assert plan.count(2, PEER) == 4  # the four others with the same supervisor
    assert plan.count(1, SUBORDINATE) == 5
    assert (1, 1, SELF) in pairs


def test_the_forms_cap_thins_every_ratees_peers_evenly():
    staff = [Person(i, 100, 1, "pelaksana") for i in range(1, 21)]  # supervisor outside the set
    plan = plan_assignments(staff, Rules(max_peers=5, max_forms_per_rater=4))
    load = Counter(p.rater for p in plan.pairs)
    assert max(load.values()) <= 4
    # Room for 3 optional forms each: handed out in rounds, everybody gets 3 peers (rather than
    # the first twelve getting five and the last eight none).
    assert [plan.count(p.id, PEER) for p in staff] == [3] * 20
