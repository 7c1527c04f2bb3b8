"""Checking signal rows as a batch brings them: pure, so that 5,000 rows take milliseconds, not a serializer each.

A row is `{"account": external_id, "date": "YYYY-MM-DD", "key": "logins", "value": 42}`; every
problem is named by the row's index and the field, as the API's error shape lists them
(`{"3.date": ["…"]}`). Nothing here touches the database: whether the accounts exist is the
service's question (accounts.services.signals).
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ROW_FIELDS = frozenset({"account", "date", "key", "value"})
KEY_PATTERN = re.compile(r"[a-z0-9_]{1,64}")
# The experience signals the platform derives itself each day (portfolio.experience): not sent, refused.
DERIVED_KEYS = (
    "nps",
    "csat",
    "ces",
    "promoters",
    "negative_comment_share",
    "open_cases",
    "overdue_cases",
    "p1_open_cases",
)
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
EXTERNAL_ID_MAX = 200
# A signal is a fact about a day that happened: nothing before this, nothing past tomorrow (time zones).
# The bound also caps how many monthly partitions one batch can make.
EARLIEST_DATE = date(2000, 1, 1)
DAYS_AHEAD = 1
ERRORS_LISTED = 100  # a batch of 5,000 bad rows names its first problems, then says how many more
_FORBIDDEN = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class SignalRow:
    account: str
    date: date
    key: str
    value: float


class RowErrors:
    """Problems by "index.field", at most ERRORS_LISTED of them, and how many more there were."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.more = 0

    def add(self, name: str, message: str) -> None:
        if name in self.fields:
            self.fields[name].append(message)
        elif len(self.fields) < ERRORS_LISTED:
            self.fields[name] = [message]
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.fields)

    def as_dict(self) -> dict[str, list[str]]:
        if not self.more:
            return dict(self.fields)
        return {**self.fields, "non_field_errors": [f"{self.more} more problems are not listed."]}


def external_id_problem(value: object) -> str | None:
    """Why `value` cannot be an account's external id, or None."""
    if not isinstance(value, str):
        return "Must be a string (the account's external id)."
    if not value.strip():
        return "May not be blank."
    if len(value) > EXTERNAL_ID_MAX:
        return f"Ensure this field has no more than {EXTERNAL_ID_MAX} characters."
    return _forbidden_character(value)


def _forbidden_character(value: str) -> str | None:
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Contains a NUL character, which no id may contain."
    return f"Contains a text-direction control character (U+{ord(found.group()):04X}), which ids may not contain."


def _date_problem(value: object, today: date) -> tuple[date | None, str | None]:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None, "Must be a date written YYYY-MM-DD."
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, f"'{value}' is not a date of the calendar."
    latest = today + timedelta(days=DAYS_AHEAD)
    if not EARLIEST_DATE <= day <= latest:
        return None, f"Must be from {EARLIEST_DATE.isoformat()} to {latest.isoformat()}."
    return day, None


def _key_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return "Must be a string."
    if not KEY_PATTERN.fullmatch(value):
        return "Must be 1 to 64 characters: lowercase letters a-z, digits and underscores."
    if value in DERIVED_KEYS:
        return f"'{value}' is derived by the platform from the account's answers and cases; it cannot be sent."
    return None


def _value_problem(value: object) -> tuple[float | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "Must be a number."
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        return None, "Must be a finite number."
    return number, None


def _row_checked(index: int, item: object, today: date, errors: RowErrors) -> SignalRow | None:
    if type(item) is not dict:
        errors.add(str(index), "Must be an object with account, date, key and value.")
        return None
    for name in sorted(ROW_FIELDS - item.keys()):
        errors.add(f"{index}.{name}", "This field is required.")
    for name in sorted((str(k) for k in item.keys() - ROW_FIELDS), key=str):
        errors.add(f"{index}.{name}", "Unknown field.")
    if not item.keys() >= ROW_FIELDS:
        return None
    account_problem = external_id_problem(item["account"])
    day, date_problem = _date_problem(item["date"], today)
    key_problem = _key_problem(item["key"])
    value, value_problem = _value_problem(item["value"])
    for name, problem in (
        ("account", account_problem),
        ("date", date_problem),
        ("key", key_problem),
        ("value", value_problem),
    ):
        if problem:
            errors.add(f"{index}.{name}", problem)
    if account_problem or key_problem or day is None or value is None or len(item) != len(ROW_FIELDS):
        return None
    return SignalRow(account=item["account"], date=day, key=item["key"], value=value)


def signal_rows_checked(items: Sequence[object], *, today: date) -> tuple[list[SignalRow], RowErrors]:
    """The rows, checked one by one; the errors name every problem (up to ERRORS_LISTED) by index and field."""
    errors = RowErrors()
    rows: list[SignalRow] = []
    for index, item in enumerate(items):
        row = _row_checked(index, item, today, errors)
        if row is not None:
            rows.append(row)
    return rows, errors


def last_wins(rows: Sequence[SignalRow]) -> dict[tuple[str, date, str], float]:
    """Each (account, date, key) once, with the value of its last row: a repeat replaces."""
    return {(row.account, row.date, row.key): row.value for row in rows}
