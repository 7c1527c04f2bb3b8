"""Scorecards (how health and temperature are computed) and the daily snapshot of each account's scores."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.accounts import Account, Band, Stage


class Scorecard(models.Model):
    """The measures a health or temperature score is made of, for one lifecycle stage (blank: every other stage)."""

    class Kind(models.TextChoices):
        HEALTH = "health", _("Health")
        TEMPERATURE = "temperature", _("Temperature")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    stage = models.CharField(_("lifecycle stage"), max_length=12, choices=Stage.choices, blank=True)
    name = models.CharField(_("name"), max_length=120)
    # Bands: below red_below is red, from green_from up is green, between is yellow.
    red_below = models.PositiveSmallIntegerField(_("red below"), default=40)
    green_from = models.PositiveSmallIntegerField(_("green from"), default=70)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ("kind", "stage")
        constraints = [
            models.UniqueConstraint(fields=("kind", "stage"), name="accounts_one_scorecard_per_kind_stage"),
            models.CheckConstraint(
                condition=models.Q(red_below__lte=models.F("green_from"), green_from__lte=100),
                name="accounts_scorecard_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScorecardMeasure(models.Model):
    """One signal in a window, turned into a fraction of its weight by thresholds or a linear scale.

    Thresholds: a value at or past `good` earns the whole weight, at or past `bad` half of it, else nothing;
    linear: from nothing at `bad` to the whole weight at `good`. Either way `good` may be below `bad`
    (fewer days overdue is better).
    """

    class Window(models.TextChoices):
        LATEST = "latest", _("Latest value")
        MEAN_30 = "mean_30", _("30-day mean")
        TREND_30 = "trend_30", _("Trend: last 30 days against the 60 before (%)")
        SHARE = "share", _("Share: latest value over the latest of another signal")

    class Scale(models.TextChoices):
        THRESHOLDS = "thresholds", _("Thresholds")
        LINEAR = "linear", _("Linear")

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="measures", verbose_name=_("scorecard")
    )
    key = models.CharField(_("signal"), max_length=64)
    window = models.CharField(_("window"), max_length=10, choices=Window.choices, default=Window.LATEST)
    per_key = models.CharField(_("over signal"), max_length=64, blank=True, help_text=_("For a share only."))
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.LINEAR)
    bad = models.FloatField(_("bad"))
    good = models.FloatField(_("good"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ("scorecard", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=("scorecard", "key", "window"), name="accounts_one_measure_per_window"),
            models.CheckConstraint(condition=~models.Q(bad=models.F("good")), name="accounts_measure_bad_not_good"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_window_display()})"


class HealthSnapshot(models.Model):
    """An account's scores and their measures as computed on one day: the trend compares like with like."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("account"))
    date = models.DateField(_("date"))
    health_score = models.SmallIntegerField(_("health"), null=True, blank=True)
    health_band = models.CharField(_("health band"), max_length=6, choices=Band.choices, blank=True)
    health_measures = models.JSONField(_("health measures"), default=list, blank=True)
    temperature = models.SmallIntegerField(_("temperature"), null=True, blank=True)
    temperature_band = models.CharField(_("temperature band"), max_length=6, choices=Band.choices, blank=True)
    temperature_measures = models.JSONField(_("temperature measures"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        ordering = ("account", "date")
        constraints = [models.UniqueConstraint(fields=("account", "date"), name="accounts_one_snapshot_a_day")]
        # the back-test reads every account's snapshot of a few days (accounts.sql_backtest)
        indexes = [models.Index(fields=("date",), name="accounts_snapshot_date")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.date}: {self.health_score}"
