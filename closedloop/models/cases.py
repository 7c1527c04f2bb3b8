"""Follow-up cases: what a customer's answer asks of us, who works it, by when, and how it ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from closedloop.models.config import Priority, RootCause, Team
from common.models import CustomerSnapshotModel


class Case(CustomerSnapshotModel):
    """A follow-up owed to one customer, opened by an answer, with a snapshot of it as it was.

    Or an account at risk (`account` set, a RISK_* reason): the snapshot is then the account's
    (name, plan, MRR as the value, external id as the account), with no customer and no answer.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        CONTACTED = "contacted", _("Contacted")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Reason(models.TextChoices):
        DETRACTOR = "detractor", _("NPS detractor")
        HIGH_EFFORT = "high_effort", _("High effort (CES)")
        DISSATISFIED = "dissatisfied", _("Dissatisfied (CSAT)")
        NEGATIVE_PASSIVE = "negative_passive", _("Passive with a negative comment")
        # An account at risk (closedloop.account_rules): opened by the account's facts, not by one answer.
        RISK_RED = "risk_red", _("Account at risk: health fell to red")
        RISK_USAGE = "risk_usage", _("Account at risk: usage fell")
        RISK_PAYMENT = "risk_payment", _("Account at risk: payment overdue")
        RISK_RENEWAL = "risk_renewal", _("Account at risk: renewal near, health not green")
        RISK_DETRACTOR = "risk_detractor", _("Account at risk: a detractor from a valuable account")

    class Sla(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OVERDUE = "overdue", _("Overdue")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.CONTACTED)
    RISK_REASONS = (Reason.RISK_RED, Reason.RISK_USAGE, Reason.RISK_PAYMENT, Reason.RISK_RENEWAL, Reason.RISK_DETRACTOR)

    # The answer that opened the case (answers attached later are its triggers too). An account-at-risk
    # case has its reason as source and the account's id as source id: one case per account and reason, ever
    # (closedloop.services.account_risk reopens it rather than opening another).
    source = models.CharField(_("source"), max_length=16)
    source_id = models.BigIntegerField(_("source id"))
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("account"),
    )
    # An account-at-risk case: when its condition was last seen not holding (it may then come back and reopen it).
    risk_cleared_at = models.DateTimeField(_("risk cleared at"), null=True, blank=True)
    feedback_id = models.BigIntegerField(_("feedback item"), null=True, blank=True)
    # Snapshot of the answer and its customer, as they were.
    survey_id = models.BigIntegerField(_("survey id"), null=True, blank=True)
    survey_kind = models.CharField(_("survey kind"), max_length=8)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    classification = models.CharField(_("classification"), max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    polarity = models.FloatField(_("polarity"), null=True, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=3, blank=True)
    sentiment_corrected = models.BooleanField(_("sentiment corrected by staff"), default=False)
    # how sure the sentiment shown is: the analysis' probability of its label (derived from the polarity for
    # answers analysed before it was stored), 1.0 for staff's correction; None without an analysed comment
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    given_at = models.DateTimeField(_("answered at"))
    touchpoint_key = models.CharField(_("touchpoint"), max_length=64, blank=True)
    locale = models.CharField(_("locale"), max_length=16, blank=True)

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("team"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("owner"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    sla = models.CharField(_("SLA"), max_length=8, choices=Sla.choices, default=Sla.ON_TRACK)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    root_cause = models.ForeignKey(
        RootCause, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("root cause")
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    customer_notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    customer_note = models.TextField(_("note to the customer"), blank=True)
    customer_note_error = models.TextField(_("note not sent"), blank=True)
    resurvey_due_at = models.DateTimeField(_("re-survey due at"), null=True, blank=True)
    resurvey_sent_at = models.DateTimeField(_("re-survey sent at"), null=True, blank=True)
    recovery_score = models.SmallIntegerField(_("re-survey score"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ("priority", "due_at", "id")
        constraints = [
            models.UniqueConstraint(fields=("source", "source_id"), name="closedloop_one_case_per_trigger"),
            models.UniqueConstraint(
                fields=("customer_id",),
                condition=Q(status__in=("new", "assigned", "contacted"), customer_id__isnull=False),
                name="closedloop_one_open_case_per_customer",
            ),
        ]
        indexes = [
            models.Index(fields=("priority", "due_at", "id"), name="closedloop_queue"),
            models.Index(fields=("status", "due_at"), name="closedloop_status_due"),
            models.Index(fields=("owner", "status"), name="closedloop_owner_status"),
            models.Index(fields=("customer_external_id",), name="closedloop_customer"),
            # an account's cases (the CSM console's timeline, its experience signals): by the account's external id
            models.Index(fields=("customer_account",), name="closedloop_account"),
            # the touchpoint filter, and its list of touchpoints read off this index (selectors.case_touchpoint_keys)
            models.Index(fields=("touchpoint_key",), name="closedloop_touchpoint"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_external_id or '—'} ({self.get_reason_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_account_risk(self) -> bool:
        return self.reason in self.RISK_REASONS


class CaseTrigger(models.Model):
    """An answer that opened a case or was attached to an open one: each answer belongs to one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triggers", verbose_name=_("case"))
    source = models.CharField(_("source"), max_length=16)
    source_id = models.BigIntegerField(_("source id"))
    feedback_id = models.BigIntegerField(_("feedback item"), null=True, blank=True)
    survey_kind = models.CharField(_("survey kind"), max_length=8)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=3, blank=True)
    touchpoint_key = models.CharField(_("touchpoint"), max_length=64, blank=True)
    given_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ("given_at", "id")
        constraints = [models.UniqueConstraint(fields=("source", "source_id"), name="closedloop_one_case_per_answer")]

    def __str__(self) -> str:
        return f"{self.survey_kind.upper()} {self.score}"


class CaseActivity(models.Model):
    """One change to a case: who, when, what."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ATTACHED = "attached", _("Answer attached")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        ROOT_CAUSE = "root_cause", _("Root cause set")
        NOTE = "note", _("Note")
        SLA = "sla", _("SLA")
        ESCALATED = "escalated", _("Escalated")
        NOTIFIED = "notified", _("Customer notified")
        NOT_SENT = "not_sent", _("Email not sent")
        EDITED = "edited", _("Edited")
        SENTIMENT = "sentiment", _("Sentiment corrected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities", verbose_name=_("case"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    message = models.TextField(_("what"))  # in English for a system entry, as written for a note
    # A system entry's text as a code of closedloop.activity_texts and its parameters, rendered when shown.
    code = models.CharField(_("text code"), max_length=32, blank=True)
    params = models.JSONField(_("text parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """What happened, in the active language (a note, or an entry older than codes, as it was written)."""
        from closedloop.activity_texts import render

        return render(self.code, self.params, self.message)
