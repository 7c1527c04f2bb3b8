"""Advocates: consented promoters and their referral codes, the referrals they bring, opt-outs and export logs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from closedloop import rules
from common.models import CustomerSnapshotModel


class Advocate(CustomerSnapshotModel):
    """A customer who gave a promoter answer and agreed to be contacted: one per customer, with their referral code.

    A snapshot of the customer and of their latest promoter answer, as marketing exports it.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        OPTED_OUT = "opted_out", _("Opted out")
        INACTIVE = "inactive", _("Inactive (later detractor)")

    # Who marketing may contact: consented, not opted out, not declined, not retired by a detractor answer.
    EXPORTABLE_STATUSES = rules.ADVOCATE_LIVE

    # The snapshot's id and external id, kept as the advocate's identity: one advocate per customer, found by id.
    customer_id = models.BigIntegerField(_("customer id"), unique=True)
    customer_external_id = models.CharField(_("customer"), max_length=200, db_index=True)
    locale = models.CharField(_("locale"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    code = models.CharField(_("referral code"), max_length=16, unique=True)
    # the latest promoter answer
    source = models.CharField(max_length=20)
    source_id = models.BigIntegerField()
    feedback_id = models.BigIntegerField(null=True, blank=True)
    survey_id = models.BigIntegerField(null=True, blank=True)
    touchpoint_key = models.CharField(_("touchpoint"), max_length=64, blank=True)
    last_score = models.PositiveSmallIntegerField(_("last score"))
    last_comment = models.TextField(_("last comment"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    last_answer_at = models.DateTimeField(_("last answer at"))
    consent_at = models.DateTimeField(_("consent given at"))
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    inactive_at = models.DateTimeField(null=True, blank=True, verbose_name=_("inactive at"))
    visits = models.PositiveIntegerField(_("link visits"), default=0)
    last_visit_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last visit at"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("advocate")
        verbose_name_plural = _("advocates")
        ordering = ("-last_answer_at", "id")
        permissions = [("export_advocate", _("Can export advocates"))]
        indexes = [
            models.Index(fields=("status", "last_answer_at"), name="closedloop_advocate_status"),
            models.Index(fields=("-last_answer_at", "id"), name="closedloop_advocate_recent"),
            # the marketing admin's filters read their choices off these (selectors.distinct_values)
            models.Index(fields=("touchpoint_key",), name="closedloop_advocate_touchpoint"),
            models.Index(fields=("customer_plan",), name="closedloop_advocate_plan"),
            models.Index(fields=("language",), name="closedloop_advocate_language"),
            models.Index(fields=("locale",), name="closedloop_advocate_locale"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_external_id} ({self.code})"


class AdvocateOptOut(models.Model):
    """A customer who unsubscribed or withdrew consent: never an advocate again, whenever their answers arrive.

    Kept apart from Advocate because the opt-out can come first, before a promoter answer is analysed.
    """

    customer_id = models.BigIntegerField(_("customer id"), unique=True)
    opted_out_at = models.DateTimeField(_("opted out at"), default=timezone.now)

    class Meta:
        verbose_name = _("advocate opt-out")
        verbose_name_plural = _("advocate opt-outs")

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.opted_out_at:%Y-%m-%d})"


class Referral(models.Model):
    """A signup or a conversion that came through an advocate's code, as the customer's systems report it."""

    class Kind(models.TextChoices):
        SIGNUP = "signup", _("Signup")
        CONVERSION = "conversion", _("Conversion")

    advocate = models.ForeignKey(
        Advocate, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("advocate")
    )
    external_id = models.CharField(_("external id"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ("-occurred_at", "id")
        constraints = [models.CheckConstraint(condition=Q(revenue__gte=0), name="closedloop_referral_revenue")]
        indexes = [models.Index(fields=("kind", "occurred_at"), name="closedloop_referral_kind_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"


class AdvocateExport(models.Model):
    """One export of the advocate list: who, when, with which filters, how many rows. Never the rows."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    format = models.CharField(_("format"), max_length=4)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("advocate export")
        verbose_name_plural = _("advocate exports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.format} · {self.row_count}"
