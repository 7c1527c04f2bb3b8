"""Scorecard changes a person decides on: accepting the weights the back-test suggests."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Scorecard, ScorecardMeasure
from accounts.scoring import MAX_WEIGHT


def scorecard_weights_accept(scorecard: Scorecard, weights: Mapping[int, int]) -> int:
    """Give the scorecard's measures (by id) these weights, all at once; the next refresh scores with them.

    A weight is a whole number from 1 to MAX_WEIGHT (as in the scorecard's form; deleting a measure is done
    there). Returns how many measures changed.
    """
    measures = {measure.pk: measure for measure in scorecard.measures.all()}
    unknown = sorted(set(weights) - set(measures))
    if unknown:
        raise ValidationError(f"Not measures of this scorecard: {', '.join(map(str, unknown))}.")
    bad = [pk for pk, weight in weights.items() if not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT]
    if bad:
        raise ValidationError(f"A weight is a whole number from 1 to {MAX_WEIGHT}.")
    changed = [measures[pk] for pk, weight in weights.items() if measures[pk].weight != weight]
    with transaction.atomic():
        for measure in changed:
            measure.weight = weights[measure.pk]
        ScorecardMeasure.objects.bulk_update(changed, ["weight"])
        scorecard.save(update_fields=["updated_at"])
    return len(changed)
