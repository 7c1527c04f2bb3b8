"""What leads configure: teams and the touchpoints they own, when answers open cases, SLAs, root causes, notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.chinese import in_script


class Priority(models.IntegerChoices):
    P1 = 1, "P1"
    P2 = 2, "P2"
    P3 = 3, "P3"
    P4 = 4, "P4"


class Team(models.Model):
    """The people (a Django group) who work the cases of some touchpoints, and their lead."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.OneToOneField("auth.Group", on_delete=models.PROTECT, verbose_name=_("group"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead"),
        help_text=_("Emailed when one of the team's cases is escalated."),
    )
    is_default = models.BooleanField(
        _("default team"), default=False, help_text=_("Works the cases of touchpoints no team owns.")
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last assigned"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("is_default",), condition=Q(is_default=True), name="one_default_team")
        ]

    def __str__(self) -> str:
        return self.name


class TeamTouchpoint(models.Model):
    """A touchpoint (by its key) whose cases a team owns."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="touchpoints", verbose_name=_("team"))
    touchpoint_key = models.SlugField(_("touchpoint key"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("owned touchpoint")
        verbose_name_plural = _("owned touchpoints")

    def __str__(self) -> str:
        return self.touchpoint_key


class CaseRule(models.Model):
    """When an answer opens a case: thresholds for one survey, or the defaults (no survey)."""

    survey_id = models.BigIntegerField(
        _("survey id"), null=True, blank=True, unique=True, help_text=_("Empty: the defaults for every survey.")
    )
    enabled = models.BooleanField(_("open cases"), default=True)
    nps_detractor_max = models.PositiveSmallIntegerField(_("NPS: open a case at or below"), default=6)
    ces_hard_max = models.PositiveSmallIntegerField(_("CES: open a case at or below"), default=3)
    csat_dissatisfied_max = models.PositiveSmallIntegerField(_("CSAT: open a case at or below"), default=2)
    negative_polarity = models.FloatField(
        _("negative comment at or below"),
        default=-0.3,
        help_text=_("A passive answer whose comment is this negative opens a lower-priority case."),
    )
    min_confidence = models.FloatField(
        _("negative comment at least this sure"),
        default=0.6,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "A passive answer opens a case for its comment only when the analysis is at least this sure the "
            "comment is negative (0 to 1); a sentiment staff corrected counts as certain."
        ),
    )
    high_value = models.DecimalField(
        _("high-value customer from"),
        max_digits=14,
        decimal_places=2,
        default=10000,
        help_text=_("A customer worth this much or more raises the priority by one."),
    )

    class Meta:
        verbose_name = _("case rule")
        verbose_name_plural = _("case rules")
        ordering = ("survey_id",)

    def __str__(self) -> str:
        return f"Survey {self.survey_id}" if self.survey_id else str(_("Defaults"))


THRESHOLD_ERRORS = {
    "required": _("This rule needs a threshold."),
    "negative": _("The threshold cannot be negative."),
    "percent": _("A fall in usage is a percentage above 0 and at most 100."),
}


class AccountRiskRule(models.Model):
    """When an account's facts open an at-risk case: one rule per reason, shipped enabled (closedloop.account_rules).

    The threshold's unit depends on the reason: a percentage for usage, days for payment and renewal,
    an MRR for a detractor's account; a fall to red has none.
    """

    class Reason(models.TextChoices):
        RED = "risk_red", _("Health fell to red")
        USAGE = "risk_usage", _("Usage down in 30 days (%)")
        PAYMENT = "risk_payment", _("Payment overdue (days)")
        RENEWAL = "risk_renewal", _("Renewal within (days), health not green")
        DETRACTOR = "risk_detractor", _("Detractor from an account with MRR from")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, unique=True)
    enabled = models.BooleanField(_("open cases"), default=True)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Usage: the fall in percent (30); payment: days overdue (30); renewal: days before it (90); "
            "detractor: the account's MRR from which a detractor opens a case. Empty for a fall to red."
        ),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.P2)

    class Meta:
        verbose_name = _("account risk rule")
        verbose_name_plural = _("account risk rules")
        ordering = ("reason",)

    def __str__(self) -> str:
        return str(self.get_reason_display())

    def clean(self) -> None:
        from closedloop.account_rules import threshold_error

        error = threshold_error(self.reason, None if self.threshold is None else float(self.threshold))
        if error:
            raise ValidationError({"threshold": THRESHOLD_ERRORS[error]})


class SlaPolicy(models.Model):
    """How long a case of a priority may take to be resolved."""

    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, unique=True)
    hours = models.PositiveIntegerField(_("hours to resolve"))

    class Meta:
        verbose_name = _("SLA")
        verbose_name_plural = _("SLAs")
        ordering = ("priority",)

    def __str__(self) -> str:
        return f"P{self.priority}: {self.hours} h"


class RootCause(models.Model):
    """An entry of the root-cause taxonomy."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        ordering = ("position", "key")

    def __str__(self) -> str:
        return f"{self.name_en} / {in_script(self.name_zh)}" if self.name_zh else self.name_en  # zh-Hant: traditional


class NoteTemplate(models.Model):
    """The note that tells a customer their case was resolved, in one language."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {name}, {resolution}, {case}, {follow_up} (how to reach the team: reply to this "
            "email only when replies are read, CX_REPLY_TO_EMAIL). Plain text."
        ),
    )

    class Meta:
        verbose_name = _("note template")
        verbose_name_plural = _("note templates")
        ordering = ("language",)

    def __str__(self) -> str:
        return self.get_language_display()
