"""The engine's columnar output (EmployeeTable): the JSON text it writes for a range of employees
is exactly json.dumps of the items it hands out as objects, over random valid cycles."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.scoring import score_cycle
from kinerja.scoring.document import parse_document

from .test_scoring_properties import documents


@settings(max_examples=200, deadline=None)
@given(doc=documents(), data=st.data())
def test_items_json_of_any_range_is_the_json_of_the_item_objects(doc, data):
    inputs, policy = parse_document(doc)
    table = score_cycle(inputs, policy).employees
    n = len(table)
    start = data.draw(st.integers(min_value=0, max_value=n))
    stop = data.draw(st.integers(min_value=start, max_value=n))
    expected = [
        json.dumps(
            {code: item.as_dict() for code, item in table[e].items.items()},
            separators=(",", ":"),
        )
        for e in range(start, stop)
    ]
    assert table.items_json(start, stop) == expected
    assert table.jpm_missing(start, stop) == [table[e].jpm_missing for e in range(start, stop)]
    assert table.blind_spots(start, stop) == [table[e].blind_spots for e in range(start, stop)]
    assert table.hidden_strengths(start, stop) == [
        table[e].hidden_strengths for e in range(start, stop)
    ]


@settings(max_examples=50, deadline=None)
@given(doc=documents())
def test_the_employees_read_the_same_by_index_slice_and_iteration(doc):
    inputs, policy = parse_document(doc)
    table = score_cycle(inputs, policy).employees
    assert len(table) == len(inputs.employees)
    assert list(table) == [table[e] for e in range(len(table))] == list(table[:])
    assert [e.key for e in table] == [e.key for e in inputs.employees]
    assert table[-1] == table[len(table) - 1]
