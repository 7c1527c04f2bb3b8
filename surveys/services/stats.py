"""Keeping each survey's headline score current."""

from django.db import transaction
from django.utils import timezone

from surveys import scoring
from surveys.models import Survey, SurveyStats
from surveys.selectors import response_last_submitted_at, response_score_counts


@transaction.atomic
def survey_stats_refresh(*, survey_id: int) -> SurveyStats:
    """Recompute a survey's headline score and counts from its responses (idempotent)."""
    survey = Survey.objects.get(pk=survey_id)
    counts = response_score_counts(survey_id=survey_id)
    estimate = scoring.summarize(survey.kind, counts)
    classes = scoring.class_counts(survey.kind, counts)
    stats, _ = SurveyStats.objects.update_or_create(
        survey=survey,
        defaults={
            "responses": estimate.n,
            "score": estimate.value,
            "margin": estimate.margin,
            "low": estimate.low,
            "high": estimate.high,
            "class_counts": {str(name): count for name, count in classes.items()},
            "last_response_at": response_last_submitted_at(survey_id=survey_id),
            "refreshed_at": timezone.now(),
        },
    )
    return stats
