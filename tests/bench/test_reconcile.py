"""bench/reconcile.py counts the answers owed a case by each kind's own scoring rules."""

import pytest

from bench.reconcile import reconcile
from tests.surveys.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_answers_owed_a_case_follow_each_kinds_negative_class():
    nps, ces, csat = (SurveyFactory(kind=kind) for kind in ("nps", "ces", "csat"))
    owed = [
        ResponseFactory(survey=nps, score=6),  # detractor
        ResponseFactory(survey=ces, score=3),  # hard
        ResponseFactory(survey=csat, score=2),  # dissatisfied
    ]
    not_owed = [
        ResponseFactory(survey=nps, score=7),  # passive
        ResponseFactory(survey=ces, score=4),  # neutral: at or below 6, but not a detractor
        ResponseFactory(survey=ces, score=6),  # easy
        ResponseFactory(survey=csat, score=3),  # neutral
        ResponseFactory(survey=csat, score=5),  # satisfied
    ]

    counts = reconcile(response.id for response in owed + not_owed)

    assert counts["detractor_answers"] == len(owed)
    assert counts["detractor_answers_without_case"] == len(owed)
    assert counts["stored_but_not_accepted"] == 0
