"""One row of a file as an answer, or the reason it is refused. Pure: the standard library only."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from common.text import BIDI_CONTROLS, utf8_encodable

_TRUE = {"1", "true", "yes", "y", "t", "是", "同意", "x", "✓"}
_FALSE = {"", "0", "false", "no", "n", "f", "否", "不同意"}
_LOCALES = {"en": "en", "zh-hans": "zh-hans", "zh-hant": "zh-hant", "zh": "zh-hans", "zh-cn": "zh-hans"}
_LOCALES |= {"zh-sg": "zh-hans", "zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant"}
_MAX = {"comment": 10_000, "external_id": 128, "email": 254, "name": 200}


@dataclass(frozen=True, slots=True)
class MappedRow:
    """A row's answer, checked: `source_key` is the stable key of the row in its source."""

    source_key: str
    score: int
    submitted_at: datetime
    comment: str
    external_id: str
    email: str
    name: str
    locale: str
    consent: bool


class RowRefused(ValueError):
    """The row cannot be imported; the message says which column and why."""


def row_map(
    cells: Sequence[object],
    columns: Mapping[str, int],
    *,
    scale: tuple[int, int],
    date_format: str = "",
    zone: tzinfo = UTC,
    consent_if_filled: bool = False,
) -> MappedRow:
    """Map one row (its cells, as read) with the resolved columns; RowRefused says what is wrong."""
    values = {name: (cells[index] if index < len(cells) else None) for name, index in columns.items()}
    texts = {name: _text(value) for name, value in values.items() if name != "submitted_at"}
    for name, limit in _MAX.items():
        if len(texts.get(name, "")) > limit:
            raise RowRefused(f"{name}: longer than {limit} characters.")
    for name, text in texts.items():
        if "\x00" in text or not utf8_encodable(text):
            raise RowRefused(f"{name}: contains a NUL or an unpaired surrogate character.")
        if name in ("external_id", "name") and BIDI_CONTROLS.search(text):
            raise RowRefused(f"{name}: contains invisible text-direction characters.")
    score = _score(values.get("score"), scale)
    submitted_at = _moment(values.get("submitted_at"), date_format, zone)
    consent_text = texts.get("consent", "").casefold()
    if consent_if_filled:
        consent = bool(consent_text)
    elif consent_text in _TRUE or consent_text in _FALSE:
        consent = consent_text in _TRUE
    else:
        raise RowRefused(f"consent: {texts['consent']!r} is neither yes nor no.")
    locale = texts.get("locale", "").casefold().replace("_", "-")
    if locale and locale not in _LOCALES:
        locale = "en" if locale.startswith("en") else ""
    mapped = {
        "score": score,
        "submitted_at": submitted_at.isoformat(),
        "comment": texts.get("comment", ""),
        "external_id": texts.get("external_id", ""),
        "email": texts.get("email", ""),
        "name": texts.get("name", ""),
        "locale": _LOCALES.get(locale, locale),
        "consent": consent,
    }
    key = texts.get("key", "")
    source_key = (
        f"id:{key}" if key else "row:" + hashlib.sha256(json.dumps(mapped, sort_keys=True).encode()).hexdigest()
    )
    return MappedRow(source_key=source_key, **{**mapped, "submitted_at": submitted_at})  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _score(value: object, scale: tuple[int, int]) -> int:
    text = _text(value)
    if not text:
        raise RowRefused("score: missing.")
    try:
        number = float(text)
    except ValueError:
        raise RowRefused(f"score: {text!r} is not a number.") from None
    if not number.is_integer():
        raise RowRefused(f"score: {text!r} is not a whole number.")
    low, high = scale
    if not low <= number <= high:
        raise RowRefused(f"score: {int(number)} is outside this survey's scale ({low} to {high}).")
    return int(number)


def _moment(value: object, date_format: str, zone: tzinfo) -> datetime:
    """A date and time from a cell: a datetime (XLSX), Unix seconds, ISO 8601, or `date_format`; naive is `zone`."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value)
        if not text:
            raise RowRefused("submitted_at: missing.")
        moment = _parse_moment(text, date_format)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if moment > datetime.now(UTC):
        raise RowRefused(f"submitted_at: {moment.isoformat()} is in the future.")
    return moment


def _parse_moment(text: str, date_format: str) -> datetime:
    if date_format:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            raise RowRefused(f"submitted_at: {text!r} does not match the format {date_format!r}.") from None
    if text.isdigit():
        try:
            return datetime.fromtimestamp(int(text), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise RowRefused(f"submitted_at: {text} is not a date in Unix seconds.") from None
    try:
        return datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        raise RowRefused(f"submitted_at: {text!r} is not an ISO 8601 date (give the mapping a date format).") from None
