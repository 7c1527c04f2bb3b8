"""Import a survey definition: a new survey, its questions and its contact rules, all or nothing."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from surveys.definition_checks import DefinitionRefused, gettext_noop, problem
from surveys.definitions import SurveyDefinition, definition_from_dict, with_name
from surveys.models import ContactRule, Question, Survey, Touchpoint


@dataclass(frozen=True, slots=True)
class ImportedSurvey:
    id: int
    name: str
    public_key: str
    touchpoints_made: tuple[str, ...]  # the keys of touchpoints this installation did not have


def _name_taken(name: str) -> DefinitionRefused:
    return DefinitionRefused(
        [
            problem(
                "survey.name",
                gettext_noop("A survey named {name} exists already here; import it under another name."),
                name=f"'{name}'",
            )
        ]
    )


def _survey_create(definition: SurveyDefinition) -> Survey:
    fields = {"name": definition.name, "kind": definition.kind}
    for prefix, texts in (("question", definition.question), ("follow_up", definition.follow_up)):
        fields |= {f"{prefix}_en": texts.en, f"{prefix}_zh_hans": texts.zh_hans, f"{prefix}_zh_hant": texts.zh_hant}
    consent = definition.consent
    fields |= {"consent_en": consent.en, "consent_zh_hans": consent.zh_hans, "consent_zh_hant": consent.zh_hant}
    if Survey.objects.filter(name=definition.name).exists():
        raise _name_taken(definition.name)
    try:
        with transaction.atomic():  # a survey of the same name saved meanwhile: refused, not a 500
            return Survey.objects.create(
                **fields,
                default_locale=definition.default_locale,
                active=definition.active,
                require_identity=definition.require_identity,
                widget_origins=list(definition.widget_origins),
            )
    except IntegrityError:
        raise _name_taken(definition.name) from None


def _questions_create(survey: Survey, definition: SurveyDefinition) -> None:
    Question.objects.bulk_create(
        Question(
            survey=survey,
            key=question.key,
            position=position,
            kind=question.kind,
            text_en=question.text.en,
            text_zh_hans=question.text.zh_hans,
            text_zh_hant=question.text.zh_hant,
            options=[option.as_dict() for option in question.options],
            required=question.required,
            shown_to=question.shown_to,
        )
        for position, question in enumerate(definition.questions)
    )


def _rules_create(survey: Survey, definition: SurveyDefinition) -> tuple[str, ...]:
    made = []
    for rule in definition.contact_rules:
        touchpoint, created = Touchpoint.objects.get_or_create(
            key=rule.touchpoint.key,
            defaults={"name": rule.touchpoint.name, "description": rule.touchpoint.description},
        )
        if created:
            made.append(touchpoint.key)
        ContactRule.objects.create(survey=survey, touchpoint=touchpoint, **dict(rule.settings))
    return tuple(made)


@transaction.atomic
def survey_import(*, data: object, name: str | None = None) -> ImportedSurvey:
    """Create a survey from a parsed definition file, renamed to `name` when given.

    Refused (DefinitionRefused, each problem with its path) when the file does not fit or a survey
    of that name exists; then nothing is saved. Touchpoints are found by key, made when missing.
    """
    definition = definition_from_dict(with_name(data, name))
    survey = _survey_create(definition)
    _questions_create(survey, definition)
    made = _rules_create(survey, definition)
    return ImportedSurvey(id=survey.id, name=survey.name, public_key=survey.public_key, touchpoints_made=made)
