"""The score by the answers to an additional question: each option's n, score with its 95% interval and share."""

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers

from common.locales import normalize_locale
from insights.answers import answer_breakdown, breakable_question
from insights.api.metrics import ChangeSerializer, FigureSerializer, InsightsApi
from insights.api.queries import ScoreQuerySerializer


class AnswerQuerySerializer(ScoreQuerySerializer):
    """Which question, and which of its survey's responses count (touchpoint, plan, account, language, days)."""

    survey = None  # the question's survey
    kind = None  # its survey's kind
    question = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="A select-one, select-many or scale question's id."
    )

    def validate(self, attrs):
        question = breakable_question(attrs["question"])
        if question is None:
            raise serializers.ValidationError(
                {"question": [f"No select or scale question has the id {attrs['question']}."]}
            )
        validated = super().validate({**attrs, "survey": [question.survey_id]})
        return {**validated, "question": question}


def reader_locale() -> str:
    """The staff reader's language (Accept-Language, the admin's choice) as one of en, zh-hans, zh-hant."""
    return normalize_locale(get_language() or "") or "en"


@extend_schema_serializer(component_name="AnswerOptionScore")
class OptionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The option's key, a scale's value, or \"\" for not answered.")
    label = serializers.CharField(help_text="In the reader's language (Accept-Language); empty for not answered.")
    figure = FigureSerializer()
    share = serializers.FloatField(allow_null=True, help_text="Of the responses asked the question (0-1).")
    versus_rest = ChangeSerializer(help_text="Those who chose it against the others asked.")


class ScoreByAnswerApi(InsightsApi):
    """The score by the options of an additional question: "customers who chose Price: NPS −35 ± 9, n = 120".

    For each option of a select question (each value of a scale): the responses that chose it, their
    score with its 95% interval (the same as every insights figure), their share of the responses
    asked the question, and a test against the others asked; then those asked who did not answer.
    A select-many answer counts under every option it chose.
    """

    query_serializer = AnswerQuerySerializer

    @extend_schema_serializer(component_name="ScoreByAnswer")
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        since = serializers.DateField()
        until = serializers.DateField()
        survey = serializers.IntegerField(source="survey_id")
        question = serializers.CharField(help_text="The question's key.")
        question_kind = serializers.CharField()
        text = serializers.CharField(help_text="The question, in the reader's language.")
        asked = FigureSerializer(help_text="Every response asked the question (its class, when shown to one).")
        answered = serializers.IntegerField()
        options = OptionSerializer(many=True)
        not_answered = OptionSerializer()

    def answer(self, **query):
        return answer_breakdown(**query, locale=reader_locale(), min_sample=settings.CX_METRICS_MIN_SAMPLE)

    @extend_schema(
        parameters=[AnswerQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                description="A parameter is invalid (or the question unknown); error.fields says which."
            ),
        },
    )
    def get(self, request):
        return self.respond(request)
