"""Whether an answer may be taken: its survey, score and touchpoint, and who may give it (origin, signed identity)."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from surveys import scoring
from surveys.identity import identity_verified
from surveys.selectors import SurveyRef, survey_get_active, touchpoint_get_id


class SurveyNotFound(ObjectDoesNotExist):
    """No active survey has the given public key."""


def response_check(
    *,
    survey_key: str,
    score: int,
    touchpoint_key: str | None,
    customer_id: str | None = None,
    signature: str | None = None,
    origin: str | None = None,
    account: str = "",
) -> tuple[SurveyRef, int | None]:
    """Resolve the survey and touchpoint of an answer, or raise naming what is wrong.

    Raises SurveyNotFound for an unknown or inactive survey; PermissionDenied for a browser
    origin the survey does not let embed it, a customer id that is not signed when the survey
    requires it, or an account claim that is not signed (on any survey); ValidationError (with
    the offending fields) for a score outside the survey's scale or an unknown touchpoint.
    """
    survey = survey_get_active(public_key=survey_key)
    if survey is None:
        raise SurveyNotFound("No active survey has this public key.")
    response_check_identity(survey=survey, customer_id=customer_id, signature=signature, origin=origin, account=account)
    errors: dict[str, list[str]] = {}
    if not scoring.score_in_scale(survey.kind, score):
        low, high = scoring.scale_for(survey.kind)
        errors["score"] = [f"Must be an integer from {low} to {high} for this {survey.kind.upper()} survey."]
    touchpoint_id = None
    if touchpoint_key:
        touchpoint_id = touchpoint_get_id(key=touchpoint_key)
        if touchpoint_id is None:
            errors["touchpoint"] = [f"Unknown touchpoint '{touchpoint_key}'."]
    if errors:
        raise ValidationError(errors)
    return survey, touchpoint_id


def response_check_identity(
    *, survey: SurveyRef, customer_id: str | None, signature: str | None, origin: str | None, account: str = ""
) -> None:
    """Raise PermissionDenied for a browser origin the survey does not allow, or an unsigned identity it requires.

    An account claim must be signed (over the external id and the account) on every survey, so
    that a visitor cannot move a customer to another account; without one, the signature is
    checked only when the survey requires signed identities.
    """
    if origin and origin.rstrip("/") not in survey.widget_origins:
        raise PermissionDenied(
            f"The origin {origin} may not answer this survey; add it to the survey's widget origins."
        )
    if not (account or survey.require_identity):
        return
    verified = bool(
        customer_id
        and signature
        and identity_verified(
            secret=survey.identity_secret, external_id=customer_id, signature=signature, account=account
        )
    )
    if verified:
        return
    if account:
        raise PermissionDenied(
            "An account claim must be signed: the signature must be the HMAC-SHA256 of the customer's external id "
            "and the account, one line each; it is missing or wrong."
        )
    raise PermissionDenied("This survey requires a signed customer identity; the signature is missing or wrong.")
