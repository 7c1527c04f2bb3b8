"""GET /api/v1/public/surveys/<public_key>/: what the widget needs to ask, and whether to ask now."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.locales import normalize_locale
from surveys import scoring, selectors
from surveys.api.throttling import FixedWindowThrottle
from surveys.identity import ACCOUNT_MAX_CHARS
from surveys.question_selectors import questions_shown
from surveys.services.response_checks import response_check_identity
from surveys.texts import scale_labels, survey_consent, survey_follow_up, survey_question


class WidgetThrottle(FixedWindowThrottle):
    scope = "public_surveys"


class PublicSurveyApi(APIView):
    """The texts, scale and contact-policy decision for the widget (no authentication)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (WidgetThrottle,)
    renderer_classes = (JSONRenderer,)

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", str, description="The visitor's external id, if known."),
            OpenApiParameter(
                "account",
                str,
                description="The customer's account (its external id), when the signature covers it.",
            ),
            OpenApiParameter(
                "signature",
                str,
                description='HMAC-SHA256 of `customer` (or of `customer + "\\n" + account` with an account), '
                "when the survey requires it; always with an account.",
            ),
            OpenApiParameter("locale", str, description="en, zh-hans, zh-hant (or zh-CN, zh-TW…)."),
            OpenApiParameter("touchpoint", str, description="Touchpoint key, to use its widget rule."),
        ],
        responses={
            200: OpenApiResponse(description="Texts, scale, and `ask` with its `reason`."),
            403: OpenApiResponse(description="Origin not allowed, or identity (or account claim) not verified."),
            404: OpenApiResponse(description="Unknown or inactive survey."),
        },
        auth=[],
    )
    def get(self, request, public_key: str):
        survey = selectors.survey_get_active(public_key=public_key)
        if survey is None:
            raise NotFound("No active survey has this public key.")
        params = {
            name: request.query_params.get(name, "")
            for name in ("customer", "account", "signature", "locale", "touchpoint")
        }
        limits = {"account": ACCOUNT_MAX_CHARS}
        bad = sorted(
            name for name, value in params.items() if not value.isprintable() or len(value) > limits.get(name, 128)
        )
        if bad:
            raise ValidationError(
                {name: [f"Must be printable text of at most {limits.get(name, 128)} characters."] for name in bad}
            )
        if params["account"] and not params["customer"]:
            raise ValidationError({"account": ["Give `customer` with `account`."]})
        customer = params["customer"] or None
        response_check_identity(
            survey=survey,
            customer_id=customer,
            signature=params["signature"] or None,
            origin=request.META.get("HTTP_ORIGIN"),
            account=params["account"],
        )
        decision = selectors.widget_decision(
            survey=survey, external_id=customer, touchpoint_key=params["touchpoint"] or None
        )
        locale = normalize_locale(params["locale"]) or survey.default_locale
        texts = selectors.survey_get(survey_id=survey.id)
        low, high = scoring.scale_for(survey.kind)
        with translation.override(locale):
            low_label, high_label = scale_labels(survey.kind)
            body = {
                "survey": public_key,
                "kind": survey.kind,
                "scale": {"min": low, "max": high},
                "locale": locale,
                "question": survey_question(texts, locale),
                "follow_up": survey_follow_up(texts, locale) or _("Anything you would like to add?"),
                "labels": {"low": low_label, "high": high_label},
                "questions": [question.as_dict() for question in questions_shown(survey_id=survey.id, locale=locale)],
                "texts": {
                    "consent": survey_consent(texts, locale),
                    "required": _("(required)"),
                    "answer": _("Please answer this question."),
                    "send": _("Send"),
                    "close": _("Close"),
                    "thanks": _("Thank you! Your answer was recorded."),
                    "choose": _("Please choose an answer."),
                    "error": _("Sorry, your answer could not be sent. Please try again."),
                },
                "require_identity": survey.require_identity,
                "ask": decision.invite,
                "reason": str(decision.reason),
            }
        return Response(body)
