"""accounts.signal_rows: each problem of a signal row named by index and field, without a database."""

import math
from datetime import date

import pytest

from accounts.signal_rows import ERRORS_LISTED, SignalRow, external_id_problem, last_wins, signal_rows_checked

TODAY = date(2026, 12, 7)
GOOD = {"account": "acme", "date": "2026-12-01", "key": "logins", "value": 42}


def test_a_good_row_is_read_with_its_types():
    rows, errors = signal_rows_checked([GOOD, {**GOOD, "value": 1.5}], today=TODAY)
    assert not errors
    assert rows == [
        SignalRow("acme", date(2026, 12, 1), "logins", 42.0),
        SignalRow("acme", date(2026, 12, 1), "logins", 1.5),
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"value": "42"}, "value", "number"),
        ({"value": True}, "value", "number"),
        ({"value": None}, "value", "number"),
        ({"value": math.inf}, "value", "finite"),
        ({"value": math.nan}, "value", "finite"),
        ({"value": 10**400}, "value", "finite"),
        ({"date": "2026-02-30"}, "date", "calendar"),
        ({"date": "20261201"}, "date", "YYYY-MM-DD"),
        ({"date": "2026-12-01T00:00"}, "date", "YYYY-MM-DD"),
        ({"date": 20261201}, "date", "YYYY-MM-DD"),
        ({"date": "1999-12-31"}, "date", "2000-01-01"),
        ({"date": "2026-12-09"}, "date", "2026-12-08"),
        ({"key": "Logins"}, "key", "lowercase"),
        ({"key": ""}, "key", "lowercase"),
        ({"key": "k" * 65}, "key", "64"),
        ({"key": "log-ins"}, "key", "lowercase"),
        ({"key": 7}, "key", "string"),
        ({"account": ""}, "account", "blank"),
        ({"account": 42}, "account", "string"),
        ({"account": "a" * 201}, "account", "200"),
        ({"account": "ac\x00me"}, "account", "NUL"),
        ({"account": "acme\u202e"}, "account", "U+202E"),
    ],
)
def test_each_problem_is_named_by_index_and_field(change, field, words):
    rows, errors = signal_rows_checked([GOOD, {**GOOD, **change}], today=TODAY)
    assert list(errors.as_dict()) == [f"1.{field}"]
    assert words in errors.as_dict()[f"1.{field}"][0]
    assert len(rows) == 1


def test_missing_and_unknown_fields_and_non_objects_are_named():
    _rows, errors = signal_rows_checked([{"account": "acme", "date": "2026-12-01", "vaule": 1}, "row"], today=TODAY)
    assert errors.as_dict() == {
        "0.key": ["This field is required."],
        "0.value": ["This field is required."],
        "0.vaule": ["Unknown field."],
        "1": ["Must be an object with account, date, key and value."],
    }


def test_an_unknown_field_beside_good_ones_refuses_the_row():
    rows, errors = signal_rows_checked([{**GOOD, "unit": "count"}], today=TODAY)
    assert rows == []
    assert errors.as_dict() == {"0.unit": ["Unknown field."]}


def test_a_batch_of_bad_rows_lists_its_first_problems_and_counts_the_rest():
    _rows, errors = signal_rows_checked([{**GOOD, "value": "x"}] * (ERRORS_LISTED + 5), today=TODAY)
    listed = errors.as_dict()
    assert len(listed) == ERRORS_LISTED + 1
    assert listed["non_field_errors"] == ["5 more problems are not listed."]


def test_the_last_row_of_a_repeated_identity_wins():
    rows = [
        SignalRow("a", date(2026, 1, 1), "logins", 1.0),
        SignalRow("b", date(2026, 1, 1), "logins", 2.0),
        SignalRow("a", date(2026, 1, 1), "logins", 3.0),
    ]
    assert last_wins(rows) == {("a", date(2026, 1, 1), "logins"): 3.0, ("b", date(2026, 1, 1), "logins"): 2.0}


def test_external_ids():
    assert external_id_problem("王小明-01") is None
    assert external_id_problem("   ") == "May not be blank."
