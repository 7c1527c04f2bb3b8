"""A survey's definition as plain values, and as the versioned JSON file that moves it between installations (pure).

The file: {"format": "cxplatform.survey", "version": 1, "survey": {…}, "questions": […],
"contact_rules": […]}, texts in the three languages side by side ({"en", "zh-hans", "zh-hant"}).
The installation's secrets (the public key, the identity secret) are never in it; an import makes
new ones. `definition_json` writes every field, keys in a fixed order and lists in the stored
order, so export → import → export gives the same bytes. The checks are in
`surveys.definition_checks`; the schema is `surveys/schemas/survey-definition.v1.json`.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.definition_checks import FORMAT, VERSION, DefinitionRefused, definition_problems

LANGUAGES = ("en", "zh-hans", "zh-hant")
# A contact rule's settings, in the file's order, with the values a file that leaves one out gets.
RULE_DEFAULTS: dict[str, Any] = {
    "active": True,
    "channel": "email",
    "sampling_rate": 1.0,
    "sampling_period_days": 30,
    "delay_minutes": 0,
    "cooldown_days": 30,
    "recontact_days": 90,
    "cap_per_90_days": 3,
    "expiry_days": 30,
    "priority": 0,
}


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in each language; blank where a language has none."""

    en: str = ""
    zh_hans: str = ""
    zh_hant: str = ""

    @classmethod
    def of(cls, texts: Mapping[str, Any] | None) -> "Texts":
        texts = texts or {}
        return cls(str(texts.get("en", "")), str(texts.get("zh-hans", "")), str(texts.get("zh-hant", "")))

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh-hans": self.zh_hans, "zh-hant": self.zh_hant}


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: Texts

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, **self.label.as_dict()}


@dataclass(frozen=True, slots=True)
class QuestionDefinition:
    key: str
    kind: str
    text: Texts
    required: bool = False
    shown_to: str = ""  # blank: every respondent
    options: tuple[Option, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text.as_dict(),
            "required": self.required,
            "shown_to": self.shown_to or None,
            "options": [option.as_dict() for option in self.options],
        }


@dataclass(frozen=True, slots=True)
class TouchpointDefinition:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """A contact rule: its touchpoint (by key; made from this when the installation has none) and its settings."""

    touchpoint: TouchpointDefinition
    settings: tuple[tuple[str, Any], ...]  # every name of RULE_DEFAULTS, in that order

    def as_dict(self) -> dict[str, Any]:
        touchpoint = self.touchpoint
        return {
            "touchpoint": {"key": touchpoint.key, "name": touchpoint.name, "description": touchpoint.description},
            **dict(self.settings),
        }


@dataclass(frozen=True, slots=True)
class SurveyDefinition:
    name: str
    kind: str
    question: Texts
    follow_up: Texts = Texts()
    consent: Texts = Texts()
    default_locale: str = "en"
    active: bool = True
    require_identity: bool = False
    widget_origins: tuple[str, ...] = ()
    questions: tuple[QuestionDefinition, ...] = ()
    contact_rules: tuple[RuleDefinition, ...] = ()


def definition_to_dict(definition: SurveyDefinition) -> dict[str, Any]:
    """The file's content for a definition: every field, in a fixed order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "survey": {
            "name": definition.name,
            "kind": definition.kind,
            "question": definition.question.as_dict(),
            "follow_up": definition.follow_up.as_dict(),
            "consent": definition.consent.as_dict(),
            "default_locale": definition.default_locale,
            "active": definition.active,
            "require_identity": definition.require_identity,
            "widget_origins": list(definition.widget_origins),
        },
        "questions": [question.as_dict() for question in definition.questions],
        "contact_rules": [rule.as_dict() for rule in definition.contact_rules],
    }


def rule_settings(values: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A rule's settings in the file's order, a missing one at its default; the rate always a float."""
    settings = {name: values.get(name, default) for name, default in RULE_DEFAULTS.items()}
    settings["sampling_rate"] = float(settings["sampling_rate"])
    return tuple(settings.items())


def _question(data: Mapping[str, Any]) -> QuestionDefinition:
    return QuestionDefinition(
        key=data["key"],
        kind=data["kind"],
        text=Texts.of(data["text"]),
        required=data.get("required", False),
        shown_to=data.get("shown_to") or "",
        options=tuple(Option(option["key"], Texts.of(option)) for option in data.get("options", [])),
    )


def _rule(data: Mapping[str, Any]) -> RuleDefinition:
    touchpoint = data["touchpoint"]
    return RuleDefinition(
        touchpoint=TouchpointDefinition(touchpoint["key"], touchpoint["name"], touchpoint.get("description", "")),
        settings=rule_settings(data),
    )


def definition_from_dict(data: object) -> SurveyDefinition:
    """The definition a parsed file holds, or DefinitionRefused naming every problem with its path."""
    problems = definition_problems(data)
    if problems:
        raise DefinitionRefused(problems)
    assert isinstance(data, dict)
    survey = data["survey"]
    return SurveyDefinition(
        name=survey["name"].strip(),
        kind=survey["kind"],
        question=Texts.of(survey["question"]),
        follow_up=Texts.of(survey.get("follow_up")),
        consent=Texts.of(survey.get("consent")),
        default_locale=survey.get("default_locale", "en"),
        active=survey.get("active", True),
        require_identity=survey.get("require_identity", False),
        widget_origins=tuple(survey.get("widget_origins", [])),
        questions=tuple(_question(question) for question in data.get("questions", [])),
        contact_rules=tuple(_rule(rule) for rule in data.get("contact_rules", [])),
    )


def with_name(data: object, name: str | None) -> object:
    """The parsed file with its survey renamed (a copy); unchanged when no name is given or it has no survey."""
    if not name or not isinstance(data, dict) or not isinstance(data.get("survey"), dict):
        return data
    return {**data, "survey": {**data["survey"], "name": name}}


def definition_json(definition: SurveyDefinition) -> str:
    """The file's text: UTF-8 JSON, two-space indents, Chinese as it is, one newline at the end."""
    return json.dumps(definition_to_dict(definition), ensure_ascii=False, indent=2) + "\n"
