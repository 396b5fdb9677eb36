"""Pure: which groups of units a survey's figures may be published for (docs/scoring.md,
"Survei penerimaan"). No Django. Every published group has at least k respondents, and a
respondent is in at most one published group (fewer than k left at the top are hidden), so no
sum or difference of published figures (a parent minus its shown children, the overall minus
every unit) isolates fewer than k."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """A published group: `head` (None: the agency's remainder) and every unit merged into it,
    the head included, whether or not anyone there answered (so the label does not tell which
    small unit answered)."""

    head: int | None
    members: frozenset[int]
    n: int


def publishable_groups(
    *, parents: Mapping[int, int | None], counts: Mapping[int, int], k: int
) -> list[Group]:
    """Bottom-up: a unit whose own respondents plus those of its hidden descendants reach k is
    published; otherwise they all merge into its parent. What is left at the top is published as
    one group of the remaining units when it reaches k, and hidden when it does not."""
    if k < 1:
        raise ValueError("k must be at least 1")
    units = set(parents) | set(counts)
    children: dict[int | None, list[int]] = {}
    for unit in sorted(units):
        parent = parents.get(unit)
        if parent not in units or parent == unit:
            parent = None
        children.setdefault(parent, []).append(unit)

    published: list[Group] = []
    seen: set[int] = set()

    def visit(unit: int) -> tuple[set[int], int]:
        # Iterative post-order would be faster, but unit trees are shallow (dinas → seksi).
        seen.add(unit)
        members, n = {unit}, counts.get(unit, 0)
        for child in children.get(unit, []):
            if child in seen:  # a loop in the data: treat it as cut
                continue
            left_members, left_n = visit(child)
            members |= left_members
            n += left_n
        if n >= k:
            published.append(Group(unit, frozenset(members), n))
            return set(), 0
        return members, n

    rest_members: set[int] = set()
    rest_n = 0
    for root in children.get(None, []):
        left_members, left_n = visit(root)
        rest_members |= left_members
        rest_n += left_n
    # Units only reachable through a loop (a → b → a): treat them as roots too.
    for unit in sorted(units - seen):
        left_members, left_n = visit(unit)
        rest_members |= left_members
        rest_n += left_n

    # What is left at the top, fewer than k, is published nowhere (not even in the agency's
    # overall figure, which is the sum of the published groups): hidden, not merged.
    if rest_n >= k:
        published.append(Group(None, frozenset(rest_members), rest_n))
    return sorted(published, key=lambda g: -1 if g.head is None else g.head)


def atoms(released: list[frozenset[int]]) -> list[frozenset[int]]:
    """The finest pieces an attacker can isolate by adding and subtracting released figures,
    each released figure being a sum over a set of units: the cells of the partition the sets
    generate (two units are in one cell when every released set holds both or neither)."""
    signature: dict[int, tuple[bool, ...]] = {}
    universe = set().union(*released) if released else set()
    for unit in universe:
        signature[unit] = tuple(unit in s for s in released)
    cells: dict[tuple[bool, ...], set[int]] = {}
    for unit, sig in signature.items():
        cells.setdefault(sig, set()).add(unit)
    return [frozenset(c) for c in cells.values()]
