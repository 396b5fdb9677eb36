"""Rater assignment from the org chart, as a pure function over plain data (no Django).

Rules (issue "The 360° assessment cycle"): everyone rates themselves; the direct supervisor rates
each direct report; up to `max_subordinates` direct subordinates rate their supervisor; up to
`max_peers` peers (others with the same supervisor, widened to the same unit and position type
when that gives fewer than `min_peers`) rate each employee, handed out one round at a time. Self
and supervisor forms are mandatory; peer and subordinate forms go to the least-loaded candidates
first and never push a rater above `max_forms_per_rater`. A rater rates a ratee in one relation
only. Deterministic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

SELF, SUPERVISOR, PEER, SUBORDINATE = "diri", "atasan", "rekan", "bawahan"


@dataclass(frozen=True)
class Person:
    id: int
    supervisor_id: int | None
    unit_id: int
    position_type: str


@dataclass(frozen=True)
class Rules:
    max_peers: int = 5
    max_subordinates: int = 5
    max_forms_per_rater: int = 10
    min_peers: int = 3  # below this the peer pool is widened (the anonymity threshold)


@dataclass(frozen=True)
class Pair:
    rater: int
    ratee: int
    relation: str


@dataclass
class Plan:
    pairs: list[Pair] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)

    def count(self, ratee: int, relation: str) -> int:
        return sum(1 for p in self.pairs if p.ratee == ratee and p.relation == relation)


def plan_assignments(people: list[Person], rules: Rules = Rules()) -> Plan:
    by_id = {p.id: p for p in people}
    ordered = sorted(people, key=lambda p: p.id)
    children: dict[int, list[int]] = defaultdict(list)
    same_unit_type: dict[tuple[int, str], list[int]] = defaultdict(list)
    for person in ordered:
        if person.supervisor_id in by_id:
            children[person.supervisor_id].append(person.id)
        same_unit_type[(person.unit_id, person.position_type)].append(person.id)

    load: dict[int, int] = defaultdict(int)
    taken: set[tuple[int, int]] = set()
    pairs: list[Pair] = []

    def add(rater: int, ratee: int, relation: str) -> None:
        taken.add((rater, ratee))
        pairs.append(Pair(rater, ratee, relation))
        load[rater] += 1

    for person in ordered:
        add(person.id, person.id, SELF)
    for person in ordered:
        if person.supervisor_id in by_id:
            add(person.supervisor_id, person.id, SUPERVISOR)

    def pick(ratee: int, candidates: list[int], limit: int, relation: str) -> None:
        fresh = [c for c in candidates if c != ratee and (c, ratee) not in taken]
        fresh.sort(key=lambda c: (load[c], c))
        chosen = 0
        for candidate in fresh:
            if chosen >= limit:
                break
            if load[candidate] >= rules.max_forms_per_rater:
                continue
            add(candidate, ratee, relation)
            chosen += 1

    for person in ordered:
        pick(person.id, children.get(person.id, []), rules.max_subordinates, SUBORDINATE)
    pools: dict[int, list[int]] = {}
    for person in ordered:
        siblings = children.get(person.supervisor_id, []) if person.supervisor_id in by_id else []
        pool = list(siblings)
        if len([s for s in pool if s != person.id]) < rules.min_peers:
            in_pool = set(pool)
            extra = same_unit_type[(person.unit_id, person.position_type)]
            pool += [e for e in extra if e not in in_pool]
        pools[person.id] = [
            c for c in pool if c != person.supervisor_id and by_id[c].supervisor_id != person.id
        ]
    # Peers are handed out one round at a time (everyone's first peer, then everyone's second…):
    # when the forms cap binds it thins every ratee's peers evenly instead of giving the first
    # ratees all five and the last ones none.
    for _round in range(rules.max_peers):
        for person in ordered:
            if pools[person.id]:
                pick(person.id, pools[person.id], 1, PEER)
    return Plan(pairs=pairs, load=dict(load))
