"""The public response endpoint: strict and throttled. It is the hot path."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.fields import (
    CommentField,
    LocaleField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictInputSerializer,
    StrictIntegerField,
    StrictSlugField,
)
from surveys import services
from surveys.api import examples
from surveys.api.throttling import PublicResponseThrottle
from surveys.identity import ACCOUNT_MAX_CHARS
from surveys.models import Response as SurveyResponse
from surveys.services import invitations

COMMENT_MAX_CHARS = 5000


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


class IdempotencyKeyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"


IDEMPOTENCY_KEY_MAX_CHARS = 64


def idempotency_key(request) -> str:
    """The request's Idempotency-Key header: 1 to 64 printable ASCII characters, or none."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return ""
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX_CHARS or not all("!" <= char <= "~" for char in key):
        message = f"Must be 1 to {IDEMPOTENCY_KEY_MAX_CHARS} printable ASCII characters without spaces, e.g. a UUID."
        raise serializers.ValidationError({"Idempotency-Key": [message]})
    return key


class BoundedJSONParser(JSONParser):
    """JSON parser that refuses bodies over CX_PUBLIC_MAX_BODY_BYTES before reading them."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.CX_PUBLIC_MAX_BODY_BYTES
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and length.isdigit() and int(length) > limit:
            raise BodyTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """The endpoint answers in JSON only: skip parsing the Accept header for every answer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _header(request, name: str, limit: int) -> str:
    """Return a request header as printable text, cut to `limit` characters."""
    return "".join(ch for ch in request.META.get(name, "")[:limit] if ch.isprintable())


def _client_metadata(request) -> dict[str, str]:
    meta = {"user_agent": _header(request, "HTTP_USER_AGENT", 300), "referrer": _header(request, "HTTP_REFERER", 500)}
    return {key: value for key, value in meta.items() if value}


@extend_schema_serializer(component_name="PublicResponseCustomer")
class CustomerInputSerializer(StrictInputSerializer):
    external_id = StrictCharField(max_length=128)
    email = StrictEmailField(required=False, allow_blank=True, max_length=254)
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    account = StrictCharField(
        required=False,
        max_length=ACCOUNT_MAX_CHARS,
        help_text="The external id of the customer's account (created when new): the customer moves to it. A claim, "
        'so it must be signed: `signature` is then the HMAC-SHA256 of `external_id + "\\n" + account`, on every '
        "survey (403 otherwise).",
    )

    def validate_account(self, value: str) -> str:
        if not value.isprintable():
            raise serializers.ValidationError("Must be printable text on one line.")
        return value


def _submit(data, request, *, idempotency_key: str) -> services.SubmittedResponse:
    customer = data.get("customer")
    try:
        return services.response_submit(
            survey_key=data["survey"],
            score=data["score"],
            comment=data.get("comment", ""),
            locale=data.get("locale", ""),
            touchpoint_key=data.get("touchpoint") or None,
            customer=services.CustomerIdentity(**customer, locale=data.get("locale", "")) if customer else None,
            consent_to_contact=data.get("consent_to_contact", False),
            channel=SurveyResponse.Channel.WIDGET if "HTTP_ORIGIN" in request.META else SurveyResponse.Channel.API,
            client_metadata=_client_metadata(request),
            signature=data.get("signature"),
            origin=request.META.get("HTTP_ORIGIN"),
            idempotency_key=idempotency_key,
            answers=data.get("answers"),
        )
    except services.IdempotencyKeyReused as reused:
        raise IdempotencyKeyConflict(str(reused)) from None


def _respond_to_invitation(data, request) -> services.SubmittedResponse:
    try:
        return invitations.invitation_respond(
            token=data["invitation"],
            score=data["score"],
            comment=data.get("comment"),
            locale=data.get("locale", ""),
            consent_to_contact=data.get("consent_to_contact"),
            client_metadata=_client_metadata(request),
            answers=data.get("answers"),
        )
    except invitations.InvitationProblem as problem:
        refused = exceptions.APIException(str(problem))
        refused.status_code = problem.status
        refused.default_code = problem.code
        raise refused from None


class PublicResponseCreateApi(APIView):
    """Record one survey answer from a respondent (no authentication; the survey's public key)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (PublicResponseThrottle,)
    parser_classes = (BoundedJSONParser,)
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema_serializer(component_name="PublicResponseInput", examples=examples.PUBLIC_RESPONSE_EXAMPLES)
    class InputSerializer(StrictInputSerializer):
        survey = StrictCharField(required=False, max_length=64, help_text="The survey's public key (or `invitation`).")
        invitation = StrictCharField(
            required=False,
            max_length=64,
            help_text="An invitation's token, instead of `survey`: one response per invitation.",
        )
        score = StrictIntegerField(help_text="NPS 0–10, CSAT 1–5, CES 1–7.")
        comment = CommentField(required=False, allow_blank=True, max_length=COMMENT_MAX_CHARS)
        locale = LocaleField(required=False, allow_blank=True, help_text="en, zh-hans or zh-hant (or zh-CN, zh-TW…).")
        touchpoint = StrictSlugField(required=False, allow_blank=True, max_length=64)
        customer = CustomerInputSerializer(
            required=False,
            allow_null=True,
            help_text="Who answered, unverified: creates the customer when the id is new, never changes one "
            "(except its account, by a signed `account`).",
        )
        consent_to_contact = StrictBooleanField(required=False)
        answers = serializers.DictField(
            required=False,
            help_text="Answers to the survey's additional questions, by question key: an option's key (select one), "
            "a list of them (select many), an integer (scales) or a text. Given (even `{}`), every rule holds: a "
            "required question asked of this score must be answered (400 naming `answers.<key>`); left out, none "
            "is asked.",
        )
        signature = StrictCharField(
            required=False,
            max_length=128,
            help_text="Hex HMAC-SHA256, keyed with the survey's identity secret and computed on your server, of "
            '`customer.external_id`, or of `customer.external_id + "\\n" + customer.account` when the customer '
            "names an account.",
        )

        def validate(self, attrs):
            if bool(attrs.get("survey")) == bool(attrs.get("invitation")):
                raise serializers.ValidationError({"survey": ["Give either `survey` or `invitation`."]})
            if attrs.get("invitation"):
                unused = [name for name in ("customer", "touchpoint", "signature") if attrs.get(name)]
                if unused:  # the invitation already says who and where
                    raise serializers.ValidationError({name: ["Not used with `invitation`."] for name in unused})
            return attrs

    @extend_schema_serializer(component_name="PublicResponseCreated")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        classification = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description="Invalid input; `error.fields` names each bad field."),
            403: OpenApiResponse(
                description="Unknown (forged) invitation, origin not allowed, identity not signed when the survey "
                "requires it, or an account claimed without its valid signature."
            ),
            404: OpenApiResponse(description="Unknown or inactive survey."),
            409: OpenApiResponse(
                description="The invitation was answered more than 24 hours ago, or the Idempotency-Key was "
                "used for another answer."
            ),
            410: OpenApiResponse(description="The invitation expired."),
            413: OpenApiResponse(description="Body too large."),
            415: OpenApiResponse(description="Not application/json."),
            429: OpenApiResponse(description="Too many answers from this address; see Retry-After."),
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A key of your own per answer (a UUID): a retry with the same key, after a timeout "
                "or a 503, returns the answer stored the first time (with `Idempotent-Replayed: true`) "
                "instead of storing it twice.",
            )
        ],
        auth=[],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = idempotency_key(request)  # an invitation's answer is one per invitation anyway
        if data.get("invitation"):
            result = _respond_to_invitation(data, request)
        else:
            result = _submit(data, request, idempotency_key=key)
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        return Response(self.OutputSerializer(result).data, status=status.HTTP_201_CREATED, headers=headers)
