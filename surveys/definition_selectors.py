"""Reads of survey definitions: a stored survey, its questions and its contact rules, as the file describes them."""

from surveys.definitions import (
    RULE_DEFAULTS,
    Option,
    QuestionDefinition,
    RuleDefinition,
    SurveyDefinition,
    Texts,
    TouchpointDefinition,
    rule_settings,
)
from surveys.models import ContactRule, Question, Survey


def _texts(obj: object, prefix: str) -> Texts:
    return Texts(getattr(obj, f"{prefix}_en"), getattr(obj, f"{prefix}_zh_hans"), getattr(obj, f"{prefix}_zh_hant"))


def _questions(survey_id: int) -> tuple[QuestionDefinition, ...]:
    return tuple(
        QuestionDefinition(
            key=question.key,
            kind=question.kind,
            text=_texts(question, "text"),
            required=question.required,
            shown_to=question.shown_to,
            options=tuple(
                Option(str(option.get("key", "")), Texts.of(option))
                for option in question.options or ()
                if isinstance(option, dict)
            ),
        )
        for question in Question.objects.filter(survey_id=survey_id).order_by("position", "id")
    )


def _rules(survey_id: int) -> tuple[RuleDefinition, ...]:
    rules = ContactRule.objects.filter(survey_id=survey_id).select_related("touchpoint").order_by("touchpoint__key")
    return tuple(
        RuleDefinition(
            touchpoint=TouchpointDefinition(rule.touchpoint.key, rule.touchpoint.name, rule.touchpoint.description),
            settings=rule_settings({name: getattr(rule, name) for name in RULE_DEFAULTS}),
        )
        for rule in rules
    )


def survey_definition(*, survey_id: int) -> SurveyDefinition:
    """The survey's definition: questions in their order, rules by touchpoint key; Survey.DoesNotExist if none."""
    survey = Survey.objects.get(pk=survey_id)
    return SurveyDefinition(
        name=survey.name,
        kind=survey.kind,
        question=_texts(survey, "question"),
        follow_up=_texts(survey, "follow_up"),
        consent=_texts(survey, "consent"),
        default_locale=survey.default_locale,
        active=survey.active,
        require_identity=survey.require_identity,
        widget_origins=tuple(survey.widget_origins or ()),
        questions=_questions(survey.id),
        contact_rules=_rules(survey.id),
    )
