"""What the counting reads: every rollup grain holds every answer once, the all-segment grains only blank segments."""

import pytest

from surveys.models import SCORE_COLUMNS, ScoreRollup
from surveys.services.rollups import score_rollups_fold, score_rollups_rebuild

pytestmark = pytest.mark.django_db


def test_every_grain_counts_every_answer_once(answers):
    for fold in (score_rollups_fold, score_rollups_rebuild):
        fold()
        totals = {
            grain: sum(sum(row) for row in ScoreRollup.objects.filter(grain=grain).values_list(*SCORE_COLUMNS))
            for grain in ScoreRollup.Grain.values
        }
        assert totals == dict.fromkeys(ScoreRollup.Grain.values, 401)
        assert not ScoreRollup.objects.filter(grain__endswith="_all").exclude(locale="", plan="").exists()
