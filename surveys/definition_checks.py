"""Whether a survey definition file fits (pure): its JSON, its version, the JSON Schema, then the rules beyond it.

Each problem names the exact place it is found, as `questions[2].options[0].key`, and every
problem is reported at once, not the first only. The schema is the published file
`surveys/schemas/survey-definition.v1.json`; the rules beyond it are those a schema cannot say
(a key used twice, an answer class of another survey kind, a select question without options).
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from common.text import utf8_encodable

FORMAT = "cxplatform.survey"
VERSION = 1  # the newest version this installation reads (and the one it writes)
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / f"survey-definition.v{VERSION}.json"
SELECT_KINDS = ("single", "multiple")
# The answer classes of each survey kind, best to worst (surveys.scoring's, as plain strings).
CLASSES = {
    "nps": ("promoter", "passive", "detractor"),
    "csat": ("satisfied", "neutral", "dissatisfied"),
    "ces": ("easy", "neutral", "hard"),
}
_SHOWN_MAX = 60  # characters of a refused value quoted in a problem


def gettext_noop(text: str) -> str:
    """Mark a problem's wording for translation where it is shown (the admin); the value stays English."""
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition: where (`questions[2].key`, `$` for the whole file) and what.

    `message` is English; `template` and `params` let a page show it in the reader's language.
    """

    path: str
    message: str
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DefinitionRefused(ValueError):
    """The definition does not fit; `problems` lists each one with its path."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)

    def as_fields(self) -> dict[str, list[str]]:
        """The problems as the API's error fields: {path: [messages]}."""
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.path, []).append(problem.message)
        return fields


def problem(path: str, template: str, **params: object) -> Problem:
    shown = {name: str(value) for name, value in params.items()}
    return Problem(path, template.format(**shown), template, tuple(shown.items()))


def path_of(parts: Iterable[object]) -> str:
    """`questions[2].options[0].key` for ("questions", 2, "options", 0, "key"); `$` for the whole file."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "$"


def quoted(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def definition_parse(raw: bytes | str) -> object:
    """The JSON value of a file's text (UTF-8), or DefinitionRefused saying where it stops being JSON."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as wrong:
        raise DefinitionRefused([problem("$", gettext_noop("Not UTF-8 text (byte {at})."), at=wrong.start)]) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as wrong:
        raise DefinitionRefused(
            [
                problem(
                    "$",
                    gettext_noop("Not JSON: {what} at line {line}, column {column}."),
                    what=wrong.msg,
                    line=wrong.lineno,
                    column=wrong.colno,
                )
            ]
        ) from None
    except (ValueError, RecursionError) as wrong:
        raise DefinitionRefused([problem("$", gettext_noop("Not JSON: {what}."), what=wrong)]) from None


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The published JSON Schema of the version this installation writes."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def version_problems(data: object) -> list[Problem]:
    """A file of ours of a version newer than this installation reads is refused before anything else is read."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return []
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        return [
            problem(
                "version",
                gettext_noop(
                    "This file is of format version {version}; this installation reads versions up to {known}. "
                    "Import it into a newer cxplatform, or export it again from one that writes version {known}."
                ),
                version=version,
                known=VERSION,
            )
        ]
    return []


def _error_problems(error: ValidationError) -> list[Problem]:
    """One schema error as problems, the path naming the very field (a missing or unknown one too)."""
    parts = list(error.absolute_path)
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(value, dict):
        missing = [name for name in expected if name not in value]
        return [problem(path_of([*parts, name]), gettext_noop("Is required.")) for name in missing]
    if keyword == "additionalProperties" and isinstance(value, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            problem(path_of([*parts, name]), gettext_noop("Is not a field of this format."))
            for name in value
            if name not in known
        ]
    return [_one_problem(path_of(parts), str(keyword), expected, value, error.message)]


def _one_problem(path: str, keyword: str, expected: Any, value: Any, fallback: str) -> Problem:
    if keyword == "type":
        return problem(path, gettext_noop("Must be of type {type}; it is {value}."), type=expected, value=quoted(value))
    if keyword == "maxLength":
        return problem(path, gettext_noop("Is longer than {count} characters."), count=expected)
    if keyword == "pattern" and expected == "\\S":
        return problem(path, gettext_noop("Must not be blank."))
    if keyword == "pattern":
        return problem(path, gettext_noop("{value} does not match {pattern}."), value=quoted(value), pattern=expected)
    if keyword == "enum":
        return problem(
            path,
            gettext_noop("{value} is not one of {choices}."),
            value=quoted(value),
            choices=", ".join(quoted(choice) for choice in expected),
        )
    if keyword == "const":
        return problem(
            path, gettext_noop("Must be {expected}; it is {value}."), expected=quoted(expected), value=quoted(value)
        )
    if keyword in ("minimum", "maximum"):
        return problem(
            path,
            gettext_noop("{value} is out of range ({keyword} {limit})."),
            value=quoted(value),
            keyword=keyword,
            limit=expected,
        )
    if keyword == "maxItems":
        return problem(path, gettext_noop("Has more than {count} items."), count=expected)
    if keyword == "uniqueItems":
        return problem(path, gettext_noop("Lists an item twice."))
    return Problem(path, fallback if len(fallback) <= 2 * _SHOWN_MAX else fallback[: 2 * _SHOWN_MAX - 1] + "…")


def schema_problems(data: object) -> list[Problem]:
    """Every place where `data` does not fit the published schema."""
    found: list[Problem] = []
    for error in _validator().iter_errors(data):
        for each in _error_problems(error):
            if each not in found:
                found.append(each)
    return found


def _items(data: object, name: str) -> list[tuple[int, dict]]:
    items = data.get(name) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _twice(path: str, key: object, first: str) -> Problem:
    return problem(
        path, gettext_noop("{key} is used already by {first}; each must be different."), key=quoted(key), first=first
    )


def _question_problems(index: int, question: dict, kind: object) -> list[Problem]:
    at = f"questions[{index}]"
    found: list[Problem] = []
    options = question.get("options") or []
    if question.get("kind") in SELECT_KINDS and not options:
        found.append(problem(f"{at}.options", gettext_noop("A select question needs at least one option.")))
    elif question.get("kind") not in SELECT_KINDS and options:
        found.append(
            problem(
                f"{at}.options",
                gettext_noop("Only select questions have options; this one is {kind}."),
                kind=question.get("kind"),
            )
        )
    seen: dict[object, str] = {}
    for number, option in enumerate(options if isinstance(options, list) else []):
        key = option.get("key") if isinstance(option, dict) else None
        if isinstance(key, str) and key in seen:
            found.append(_twice(f"{at}.options[{number}].key", key, seen[key]))
        seen.setdefault(key, f"{at}.options[{number}]")
    shown_to = question.get("shown_to")
    if isinstance(shown_to, str) and kind in CLASSES and shown_to not in CLASSES[str(kind)]:
        found.append(
            problem(
                f"{at}.shown_to",
                gettext_noop("{value} is not an answer class of a {kind} survey; its classes are {choices}."),
                value=quoted(shown_to),
                kind=kind,
                choices=", ".join(CLASSES[str(kind)]),
            )
        )
    return found


def rule_problems(data: object) -> list[Problem]:
    """The rules beyond the schema: keys used once, options where they belong, answer classes of the survey's kind."""
    survey = data.get("survey") if isinstance(data, dict) else None
    kind = survey.get("kind") if isinstance(survey, dict) else None
    found: list[Problem] = []
    keys: dict[object, str] = {}
    for index, question in _items(data, "questions"):
        key = question.get("key")
        if isinstance(key, str) and key in keys:
            found.append(_twice(f"questions[{index}].key", key, keys[key]))
        keys.setdefault(key, f"questions[{index}]")
        found.extend(_question_problems(index, question, kind))
    touchpoints: dict[object, str] = {}
    for index, rule in _items(data, "contact_rules"):
        touchpoint = rule.get("touchpoint")
        key = touchpoint.get("key") if isinstance(touchpoint, dict) else None
        if isinstance(key, str) and key in touchpoints:
            found.append(_twice(f"contact_rules[{index}].touchpoint.key", key, touchpoints[key]))
        touchpoints.setdefault(key, f"contact_rules[{index}]")
    return found


def _unstorable(value: object, path: str) -> list[Problem]:
    """Strings no database column holds (a NUL, an unpaired surrogate), and keys or origins with a line break."""
    if isinstance(value, dict):
        return [
            found
            for key, inner in value.items()
            for found in _unstorable(key, path) + _unstorable(inner, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list):
        return [found for index, inner in enumerate(value) for found in _unstorable(inner, f"{path}[{index}]")]
    if not isinstance(value, str):
        return []
    if not utf8_encodable(value):
        return [problem(path or "$", gettext_noop("Contains an unpaired surrogate character."))]
    if "\x00" in value:
        return [problem(path or "$", gettext_noop("Contains a NUL character."))]
    if ("\n" in value or "\r" in value) and (path.endswith(".key") or ".widget_origins[" in path):
        return [problem(path, gettext_noop("Must be one line."))]
    return []


def definition_problems(data: object) -> list[Problem]:
    """Everything wrong with a parsed definition, each with its path; none: it may be imported."""
    newer = version_problems(data)
    if newer:
        return newer
    unstorable = _unstorable(data, "")
    if unstorable:
        return unstorable
    return schema_problems(data) + rule_problems(data)
