"""Reads of the surveys app: lookups for the public endpoints and querysets for staff."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from surveys.lookups import TTLCache
from surveys.models import Invitation, Response, Survey, Touchpoint


@dataclass(frozen=True, slots=True)
class SurveyRef:
    """What the response path needs to know about a survey."""

    id: int
    kind: str
    default_locale: str


def _load_active_survey(public_key: object) -> SurveyRef | None:
    row = Survey.objects.filter(public_key=public_key, active=True).values_list("id", "kind", "default_locale").first()
    return SurveyRef(*row) if row else None


def _load_touchpoint_id(key: object) -> int | None:
    return Touchpoint.objects.filter(key=key).values_list("id", flat=True).first()


_active_surveys: TTLCache[SurveyRef] = TTLCache(_load_active_survey)
_touchpoint_ids: TTLCache[int] = TTLCache(_load_touchpoint_id)


def survey_get_active(*, public_key: str) -> SurveyRef | None:
    """Return the active survey with this public key, from the per-process cache."""
    return _active_surveys.get(public_key)


def touchpoint_get_id(*, key: str) -> int | None:
    """Return the id of the touchpoint with this key, from the per-process cache."""
    return _touchpoint_ids.get(key)


def lookups_clear() -> None:
    """Forget cached surveys and touchpoints (after edits in this process, and in tests)."""
    _active_surveys.clear()
    _touchpoint_ids.clear()


def survey_active_ids() -> list[int]:
    return list(Survey.objects.filter(active=True).values_list("id", flat=True))


def survey_has_responses(*, survey_id: int) -> bool:
    return Response.objects.filter(survey_id=survey_id).exists()


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.select_related("stats").order_by("name")


def response_list() -> QuerySet[Response]:
    """Return responses, newest first, with what a listing shows."""
    return Response.objects.select_related("survey", "touchpoint", "customer").order_by("-submitted_at", "-id")


def response_score_counts(*, survey_id: int) -> dict[int, int]:
    """Return {score: count} for a survey, counted in the database."""
    rows = Response.objects.filter(survey_id=survey_id).values_list("score").annotate(n=Count("id"))
    return dict(rows)


def response_last_submitted_at(*, survey_id: int) -> datetime | None:
    return Response.objects.filter(survey_id=survey_id).aggregate(last=Max("submitted_at"))["last"]


def invitation_due_ids(*, limit: int = 1000) -> list[int]:
    """Return scheduled email invitations whose time has come, oldest first."""
    return list(
        Invitation.objects.filter(status=Invitation.Status.SCHEDULED, channel="email", send_at__lte=timezone.now())
        .order_by("send_at")
        .values_list("id", flat=True)[:limit]
    )
