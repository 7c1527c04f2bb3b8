"""Delighted's wire conventions as pure functions: Unix times, person identifiers, properties, NPS metrics."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from common.locales import normalize_locale
from common.text import utf8_encodable
from surveys import scoring

# Unix seconds from 1970 to the end of 9999: what a `since`, `until` or `created_at` may be.
UNIX_MAX = 253_402_300_799
PROPERTIES_MAX = 100
PROPERTY_NAME_MAX = 100
PROPERTY_VALUE_MAX = 2000
ID_DIGITS_MAX = 18  # ids are 64-bit integers


def unix(moment: datetime | None) -> int | None:
    """Return a moment as whole Unix seconds, as Delighted's JSON gives every time."""
    return None if moment is None else int(moment.timestamp())


def from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True, slots=True)
class PersonRef:
    """How a path names a person: `123` (an id) or `email:ann@example.com`."""

    id: int | None = None
    email: str | None = None


def person_ref(identifier: str) -> PersonRef:
    """Read a person identifier of a path; raise ValueError saying which forms there are."""
    if identifier.isascii() and identifier.isdigit():
        if len(identifier) > ID_DIGITS_MAX:
            raise ValueError("No person has an id this long.")
        return PersonRef(id=int(identifier))
    if "\x00" in identifier:
        raise ValueError("A person identifier must not contain a NUL character.")
    kind, _, value = identifier.partition(":")
    if kind == "email" and value:
        return PersonRef(email=value)
    if kind == "phone_number":
        raise ValueError("People are identified by email here; SMS and phone numbers are not supported.")
    raise ValueError("Name a person by id (people/123) or by email (people/email:ann@example.com).")


def properties_errors(properties: object) -> list[str]:
    """What is wrong with a properties object, as messages; none for a flat object of short scalar values."""
    if not isinstance(properties, dict):
        return ["Must be an object of property names and values."]
    errors = []
    if len(properties) > PROPERTIES_MAX:
        errors.append(f"At most {PROPERTIES_MAX} properties.")
    for name, value in properties.items():
        if len(name) > PROPERTY_NAME_MAX:
            errors.append(f"Property names are at most {PROPERTY_NAME_MAX} characters.")
        elif "\x00" in name or (isinstance(value, str) and "\x00" in value):
            errors.append(f"Property '{name}' contains a NUL character.".replace("\x00", "\\u0000"))
        elif not utf8_encodable(name) or (isinstance(value, str) and not utf8_encodable(value)):
            errors.append("A property contains an unpaired surrogate character.")
        elif isinstance(value, float) and not math.isfinite(value):
            errors.append(f"Property '{name}' must be a finite number.")
        elif value is not None and not isinstance(value, str | int | float | bool):
            errors.append(f"Property '{name}' must be a string, number, true, false or null.")
        elif isinstance(value, str) and len(value) > PROPERTY_VALUE_MAX:
            errors.append(f"Property '{name}' is longer than {PROPERTY_VALUE_MAX} characters.")
    return errors


def properties_locale(properties: dict) -> str | None:
    """The customer's locale a `locale` property names (en, zh-hans, zh-hant); None when absent.

    Raises ValueError for a locale the platform does not speak.
    """
    value = properties.get("locale")
    if value is None or value == "":
        return None
    locale = normalize_locale(value) if isinstance(value, str) else None
    if locale is None:
        raise ValueError(f"Unsupported locale {value!r}; use en, zh-Hans or zh-Hant (or zh-CN, zh-TW…).")
    return locale


def nps_metrics(*, promoters: int, passives: int, detractors: int) -> dict[str, int | float | None]:
    """Delighted's NPS metrics: the score (whole points), each class's count and percentage (one decimal)."""
    total = promoters + passives + detractors
    score = scoring.nps(promoters=promoters, passives=passives, detractors=detractors).value

    def percent(count: int) -> float:
        return round(100 * count / total, 1) if total else 0.0

    return {
        "nps": None if score is None else round(score),
        "promoter_count": promoters,
        "promoter_percent": percent(promoters),
        "passive_count": passives,
        "passive_percent": percent(passives),
        "detractor_count": detractors,
        "detractor_percent": percent(detractors),
        "response_count": total,
    }
