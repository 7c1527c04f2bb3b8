"""Follow-up cases: what a customer's answer asks of us, who works it, by when, and how it ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from closedloop import rules
from common.models import CustomerSnapshotModel


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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
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
        return f"{self.name_en} / {self.name_zh}" if self.name_zh else self.name_en


class NoteTemplate(models.Model):
    """The note that tells a customer their case was resolved, in one language."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_("Placeholders: {name}, {resolution}, {case}. Plain text."),
    )

    class Meta:
        verbose_name = _("note template")
        verbose_name_plural = _("note templates")
        ordering = ("language",)

    def __str__(self) -> str:
        return self.get_language_display()


class Case(CustomerSnapshotModel):
    """A follow-up owed to one customer, opened by an answer, with a snapshot of it as it was."""

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

    class Sla(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OVERDUE = "overdue", _("Overdue")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.CONTACTED)

    # The answer that opened the case (answers attached later are its triggers too).
    source = models.CharField(_("source"), max_length=16)
    source_id = models.BigIntegerField(_("source id"))
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
            # the touchpoint filter, and its list of touchpoints read off this index (selectors.case_touchpoint_keys)
            models.Index(fields=("touchpoint_key",), name="closedloop_touchpoint"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_external_id or '—'} ({self.get_reason_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseTrigger(models.Model):
    """An answer that opened a case or was attached to an open one: each answer belongs to one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triggers")
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    message = models.TextField(_("what"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.message


# --- Advocates -----------------------------------------------------------------------------------


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
    inactive_at = models.DateTimeField(null=True, blank=True)
    visits = models.PositiveIntegerField(_("link visits"), default=0)
    last_visit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
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

    advocate = models.ForeignKey(Advocate, on_delete=models.PROTECT, related_name="referrals")
    external_id = models.CharField(_("external id"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

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
