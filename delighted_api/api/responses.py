"""`survey_responses`: create, list, retrieve and update the answers given at the Delighted touchpoint."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from common.api.fields import CommentField, StrictInputSerializer, StrictIntegerField
from common.api.permissions import HasPerm
from delighted_api import selectors, services
from delighted_api.api.base import DelightedApi, PageQuery, UnixTimeField, next_link, page_of, query
from delighted_api.api.bodies import response_body
from delighted_api.api.fields import Ignored, PersonIdField, PropertiesField, Unsupported
from surveys.models import Response as Answer

COMMENT_MAX_CHARS = 5000
EXPANDABLE = ("person", "notes")
ORDERS = ("asc", "desc", "asc:updated_at", "desc:updated_at")


def _expand(request) -> bool:
    """Whether `expand[]=person` was asked; any other expansion but `notes` is an error naming it."""
    asked = request.query_params.getlist("expand[]")
    unknown = [name for name in asked if name not in EXPANDABLE]
    if unknown:
        raise serializers.ValidationError({"expand[]": [f"Cannot expand {', '.join(unknown)}; only person."]})
    return "person" in asked


def _bodies(answers: list[Answer], *, expand: bool) -> list[dict]:
    people = None
    if expand:
        people = selectors.people_by_id(ids=[a.customer_id for a in answers if a.customer_id is not None])
    return [response_body(answer, people=people) for answer in answers]


def _answer_id(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise NotFound("No survey response has this id.")
    return int(value)


class SurveyResponsesApi(DelightedApi):
    """Create an answer for a person, or list the touchpoint's answers a page at a time."""

    permission_classes = (HasPerm("surveys.view_response", write="surveys.add_response"),)

    class InputSerializer(StrictInputSerializer):
        person = PersonIdField()
        score = StrictIntegerField(min_value=-(2**31), max_value=2**31 - 1)
        comment = CommentField(required=False, allow_blank=True, allow_null=True, max_length=COMMENT_MAX_CHARS)
        person_properties = PropertiesField(required=False)
        created_at = UnixTimeField(required=False)

        def validate_created_at(self, value):
            if value > timezone.now() + timedelta(days=1):
                raise serializers.ValidationError("Must not be in the future.")
            return value

    class ListQuery(PageQuery):
        updated_since = UnixTimeField(required=False)
        updated_until = UnixTimeField(required=False)
        order = serializers.ChoiceField(choices=ORDERS, required=False, default="asc")
        person_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        person_email = serializers.CharField(required=False, max_length=254)
        trend = Unsupported("Trends are not supported; filter by person, time or page instead.")

    def post(self, request):
        checked = self.InputSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        answer_id = services.response_create(
            person_id=data["person"],
            score=data["score"],
            comment=data.get("comment") or "",
            person_properties=data.get("person_properties"),
            created_at=data.get("created_at"),
        )
        answer = selectors.response_get(touchpoint_id=services.touchpoint_required().id, response_id=answer_id)
        return Response(response_body(answer), status=status.HTTP_201_CREATED)

    def get(self, request):
        expand = _expand(request)
        params = query(request, self.ListQuery, lists=("expand[]",))
        per_page, page = params["per_page"], params["page"]
        rows = selectors.responses_page(
            touchpoint_id=services.touchpoint_required().id,
            query=selectors.ResponseQuery(
                created=selectors.Period(params.get("since"), params.get("until")),
                updated=selectors.Period(params.get("updated_since"), params.get("updated_until")),
                order=params["order"],
                person_id=params.get("person_id"),
                person_email=params.get("person_email"),
            ),
            offset=(page - 1) * per_page,
            limit=per_page + 1,
        )
        rows, more = page_of(rows, per_page=per_page)
        headers = next_link(request, page=page + 1) if more else None
        return Response(_bodies(rows, expand=expand), headers=headers)


class SurveyResponseApi(DelightedApi):
    """Retrieve an answer (with `expand[]=person`), or change its score, comment or person properties."""

    permission_classes = (HasPerm("surveys.view_response", write="surveys.change_response"),)

    class InputSerializer(StrictInputSerializer):
        score = StrictIntegerField(required=False, allow_null=True, min_value=-(2**31), max_value=2**31 - 1)
        comment = CommentField(required=False, allow_blank=True, allow_null=True, max_length=COMMENT_MAX_CHARS)
        person_properties = PropertiesField(required=False, allow_null=True)
        # what the client's save() sends back of the resource it retrieved: read-only here
        id = Ignored()
        person = Ignored()
        survey_type = Ignored()
        permalink = Ignored()
        created_at = Ignored()
        updated_at = Ignored()
        notes = Ignored()
        tags = Ignored()
        additional_answers = Ignored()

    def get(self, request, response_id: str):
        expand = _expand(request)
        query(request, serializers.Serializer, lists=("expand[]",))
        try:
            answer = selectors.response_get(
                touchpoint_id=services.touchpoint_required().id, response_id=_answer_id(response_id)
            )
        except Answer.DoesNotExist:
            raise NotFound("No survey response has this id.") from None
        return Response(_bodies([answer], expand=expand)[0])

    def put(self, request, response_id: str):
        checked = self.InputSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        try:
            answer = services.response_change(
                response_id=_answer_id(response_id),
                score=data.get("score"),
                comment=data.get("comment"),
                person_properties=data.get("person_properties"),
            )
        except Answer.DoesNotExist:
            raise NotFound("No survey response has this id.") from None
        return Response(response_body(answer))
