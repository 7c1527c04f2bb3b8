"""Column mappings: which header holds which field of an answer; the ready ones for other tools' exports. Pure.

Sources of the ready mappings' headers (docs/importers.md says more):
- Delighted: the fields of its survey response object (https://app.delighted.com/docs/api/listing-survey-responses:
  id, person, score, comment, created_at in Unix seconds) and the same names in title case;
- Formbricks: the response download's fixed columns ("Response ID", "Timestamp", "Finished", "Survey ID",
  "User ID", …; getResponsesJson in formbricks/formbricks apps/web/lib/response/utils.ts), then one column
  per question named after its headline: the score is the first whose header says "recommend";
- cxplatform: this project's advocate export (closedloop.advocate_selectors.EXPORT_COLUMNS).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# The fields of an answer a file may hold; score and submitted_at are required.
FIELDS = ("key", "score", "submitted_at", "comment", "external_id", "email", "name", "locale", "consent")
REQUIRED = ("score", "submitted_at")


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """A mapping: field → candidate headers, in order; `date_format` as ColumnMapping's."""

    name: str
    columns: Mapping[str, tuple[str, ...]]
    date_format: str = ""
    consent_if_filled: bool = False  # the consent column holds a date when consent was given
    notes: str = field(default="", compare=False)


class MappingRefused(ValueError):
    """The mapping does not fit the file, or is malformed; the message says which field or header."""


READY = {
    "delighted": ColumnMap(
        "delighted",
        {
            "key": ("id", "Response ID", "ID"),
            "score": ("score", "Score"),
            "comment": ("comment", "Comment"),
            "submitted_at": ("created_at", "Created at", "Response timestamp", "Date"),
            "external_id": ("person", "Person ID", "email", "Email"),
            "email": ("email", "Email", "person_email"),
            "name": ("name", "Name", "person_name"),
            "locale": ("locale", "Locale"),
        },
    ),
    "formbricks": ColumnMap(
        "formbricks",
        {
            "key": ("Response ID",),
            "submitted_at": ("Timestamp",),
            "external_id": ("User ID",),
            "score": ("~recommend", "~推荐", "~推薦"),
            "comment": ("~reason", "~why", "~原因"),
            "email": ("~email",),
            "locale": ("language", "Language"),
        },
    ),
    "cxplatform": ColumnMap(
        "cxplatform",
        {
            "external_id": ("customer_external_id",),
            "name": ("customer_name",),
            "email": ("customer_email",),
            "locale": ("locale",),
            "score": ("last_score",),
            "comment": ("last_comment",),
            "submitted_at": ("last_answer_at",),
            "consent": ("consent_at",),
        },
        consent_if_filled=True,
    ),
}


def column_map_from(name: str, columns: Mapping[str, object], date_format: str = "") -> ColumnMap:
    """A saved mapping's ColumnMap; MappingRefused names an unknown field or a header that is not text."""
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise MappingRefused(f"Unknown fields in mapping {name!r}: {', '.join(unknown)} (known: {', '.join(FIELDS)}).")
    parsed: dict[str, tuple[str, ...]] = {}
    for name_of_field, headers in columns.items():
        candidates = (headers,) if isinstance(headers, str) else tuple(headers) if isinstance(headers, list) else None
        if not candidates or not all(isinstance(h, str) and h for h in candidates):
            raise MappingRefused(f"Mapping {name!r}: field {name_of_field!r} needs a header or a list of headers.")
        parsed[name_of_field] = candidates
    return ColumnMap(name, parsed, date_format=date_format)


def columns_resolve(column_map: ColumnMap, header: Sequence[str]) -> dict[str, int]:
    """Field → index of the column holding it in this header; MappingRefused when a required field has none."""
    cleaned = [str(h or "").strip().lstrip("\ufeff") for h in header]
    found: dict[str, int] = {}
    for name, candidates in column_map.columns.items():
        index = _first_match(candidates, cleaned)
        if index is not None:
            found[name] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        wanted = "; ".join(
            f"{name}: {' or '.join(column_map.columns.get(name, ('(not mapped)',)))}" for name in missing
        )
        raise MappingRefused(f"The file has no column for {wanted} (mapping {column_map.name!r}).")
    return found


def _first_match(candidates: Sequence[str], header: list[str]) -> int | None:
    for candidate in candidates:
        if candidate.startswith("~"):
            text = candidate[1:].casefold()
            for index, title in enumerate(header):
                if text in title.casefold():
                    return index
        elif candidate in header:
            return header.index(candidate)
    return None
