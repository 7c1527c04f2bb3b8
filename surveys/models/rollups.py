"""Exact score counts: pending changes, and the rollups beat folds them into."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SCORE_COLUMNS = tuple(f"s{score}" for score in range(11))  # ScoreRollup's and the series' per-score counts


class ScoreChange(models.Model):
    """One answer counted in (+1) or out (-1) of the score rollups, not yet folded into them.

    Written in the answer's own statement or transaction, so the rollups miss nothing; an
    append-only row, so answers arriving at once never wait on each other. Beat folds them into
    ScoreRollup every minute; reads add the rows still here, so figures are exact at any moment.
    """

    survey_id = models.BigIntegerField()
    touchpoint_id = models.BigIntegerField(default=0)  # 0: no touchpoint
    locale = models.CharField(max_length=8, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField()
    score = models.SmallIntegerField()
    change = models.SmallIntegerField(default=1)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self) -> str:
        return f"{self.change:+d} × {self.score}"


class ScoreRollup(models.Model):
    """How many answers gave each score, per day or month (in TIME_ZONE), survey, touchpoint, locale and plan.

    Each day and month is also kept across all locales and plans (grains day_all and month_all).

    Derived data, exact: `score_rollups_fold` adds pending ScoreChange rows, `score_rollups_rebuild`
    recounts everything from the responses. Columns s0..s10 count the answers of each score.
    """

    class Grain(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        # The same counts over every locale and plan (both left blank): 12 times fewer rows to
        # read for a series that does not narrow or group by them, the usual one.
        DAY_ALL = "day_all", _("day, all segments")
        MONTH_ALL = "month_all", _("month, all segments")

    grain = models.CharField(max_length=9, choices=Grain.choices)
    bucket = models.DateField()  # the day, or the first day of the month
    survey_id = models.BigIntegerField()
    touchpoint_id = models.BigIntegerField(default=0)  # 0: no touchpoint
    locale = models.CharField(max_length=8, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    s0 = models.IntegerField(default=0)
    s1 = models.IntegerField(default=0)
    s2 = models.IntegerField(default=0)
    s3 = models.IntegerField(default=0)
    s4 = models.IntegerField(default=0)
    s5 = models.IntegerField(default=0)
    s6 = models.IntegerField(default=0)
    s7 = models.IntegerField(default=0)
    s8 = models.IntegerField(default=0)
    s9 = models.IntegerField(default=0)
    s10 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("score rollup")
        verbose_name_plural = _("score rollups")
        constraints = [
            models.UniqueConstraint(
                fields=("grain", "bucket", "survey_id", "touchpoint_id", "locale", "plan"), name="score_rollup_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket}"
