"""Changing a stored answer through the API: its score, its comment, what the client attached to it."""

from copy import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from surveys import locks, scoring, webhook_payloads
from surveys.models import Response
from surveys.question_selectors import answers_by_response
from surveys.services.answers import answers_not_asked_drop
from surveys.services.responses import response_feedback_record
from surveys.services.rollups import score_changes_record
from webhooks import catalogue
from webhooks.services.events import event_record


@transaction.atomic
def response_update(
    *,
    response_id: int,
    score: int | None = None,
    comment: str | None = None,
    client_metadata: dict[str, Any] | None = None,
) -> Response:
    """Change an answer's score, comment or client metadata (None keeps each); return the answer.

    Raises Response.DoesNotExist for an unknown id and ValidationError for a score off the
    survey's scale. The score rollups count the old score out and the new one in; the feedback
    item follows the answer, and a response.updated event is recorded, as when a respondent
    changes an answer through their invitation.
    """
    locked = locks.responses_lock([response_id])
    if not locked:
        raise Response.DoesNotExist(f"No response has id {response_id}.")
    response = Response.objects.select_related("survey", "touchpoint", "customer").get(pk=response_id)
    kind = response.survey.kind
    if score is not None and not scoring.score_in_scale(kind, score):
        low, high = scoring.scale_for(kind)
        raise ValidationError({"score": [f"Must be an integer from {low} to {high} for this {kind.upper()} survey."]})
    counted_out = copy(response)
    if score is not None:
        response.score = score
        response.classification = scoring.classify(kind, score)
    if comment is not None:
        response.comment = comment
    if client_metadata is not None:
        response.client_metadata = client_metadata
    response.updated_at = timezone.now()
    response.save(update_fields=["score", "classification", "comment", "client_metadata", "updated_at"])
    if counted_out.score != response.score:
        score_changes_record(changes=[(counted_out, -1), (response, 1)])
    if counted_out.classification != response.classification:
        answers_not_asked_drop(response_id=response.id, classification=response.classification)
    touchpoint_key = response.touchpoint.key if response.touchpoint else ""
    response_feedback_record(
        response=response, survey_kind=kind, touchpoint_key=touchpoint_key, customer=response.customer
    )
    data = webhook_payloads.response_data(
        response,
        survey_kind=kind,
        touchpoint_key=touchpoint_key or None,
        customer=response.customer,
        answers=answers_by_response(response_ids=[response.id]).get(response.id, {}),
    )
    event_record(catalogue.RESPONSE_UPDATED, data, object_id=response.id)
    return response
