"""The marketing admin: advocates and their referrals, the actions on advocates, and the export log.

Advocates come from the pipeline and referrals through the API: here marketing reads them, moves
advocates along and opts them out (through `services`), and exports them (through `exports`).
Nothing of a customer's answer is edited by hand.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from closedloop import exports, selectors, services
from closedloop.models import Advocate, AdvocateExport, Referral
from common.admin import ReadOnlyInline, ReadOnlyModelAdmin

SUMMARY_DAYS = 90

MOVED = {
    Advocate.Status.INVITED: ngettext_lazy(
        "%(count)d advocate marked invited.", "%(count)d advocates marked invited.", "count"
    ),
    Advocate.Status.ACTIVE: ngettext_lazy(
        "%(count)d advocate marked active.", "%(count)d advocates marked active.", "count"
    ),
    Advocate.Status.DECLINED: ngettext_lazy(
        "%(count)d advocate marked declined.", "%(count)d advocates marked declined.", "count"
    ),
}
LEFT_AS_THEY_WERE = ngettext_lazy(
    "%(count)d advocate left as they were: %(reason)s",
    "%(count)d advocates left as they were: %(reason)s",
    "count",
)

LEFT_OUT = ngettext_lazy(
    "%(count)d of the %(selected)d advocates selected was not exported (%(reasons)s).",
    "%(count)d of the %(selected)d advocates selected were not exported (%(reasons)s).",
    "count",
)
LEFT_OUT_REASONS = {
    "opted_out": _("opted out, unsubscribed or forgotten: no consent to be contacted"),
    "declined": _("declined to be an advocate"),
    "inactive": _("later gave a detractor answer"),
}


class SnapshotValuesFilter(admin.AllValuesFieldListFilter):
    """A snapshot field's values, read off its index on the advocates (not from the list's rows and referrals)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = selectors.distinct_values(model, field.name)


class AccountHealthFilter(admin.SimpleListFilter):
    """The health of the advocate's account now: green ones are suggested to marketing first."""

    title = _("account health")
    parameter_name = "account_health"

    def lookups(self, request, model_admin):
        return (
            ("green", _("Suggested: green accounts")),
            ("yellow", _("Yellow accounts")),
            ("red", _("Red accounts")),
        )

    def queryset(self, request, queryset):
        if self.value() in ("green", "yellow", "red"):
            return selectors.advocates_of_accounts_in_band(queryset, self.value())
        return queryset


class ReferralInline(ReadOnlyInline):
    """What the advocate's code brought, newest first."""

    model = Referral
    fields = ("occurred_at", "kind", "external_id", "revenue")


@admin.register(Advocate)
class AdvocateAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "customer",
        "status",
        "last_score",
        "touchpoint_key",
        "language",
        "customer_plan",
        "visits",
        "signups_shown",
        "conversions_shown",
        "revenue_shown",
        "last_answer_at",
    )
    list_display_links = ("code",)
    list_filter = (
        "status",
        AccountHealthFilter,
        ("touchpoint_key", SnapshotValuesFilter),
        ("customer_plan", SnapshotValuesFilter),
        ("language", SnapshotValuesFilter),
        ("locale", SnapshotValuesFilter),
    )
    search_fields = ("customer_external_id", "customer_name", "customer_email", "code")
    list_per_page = 50
    show_full_result_count = False  # each count joins the referrals; the summary has the totals by status
    actions = ("mark_invited", "mark_active", "mark_declined", "opt_out", "export_csv", "export_xlsx")
    inlines = (ReferralInline,)
    fieldsets = (
        (
            _("Customer"),
            {
                "fields": (
                    "customer_external_id",
                    "customer_name",
                    "customer_email",
                    "customer_account",
                    "customer_plan",
                    "customer_value",
                    "locale",
                )
            },
        ),
        (
            _("Their latest promoter answer"),
            {"fields": ("last_score", "last_comment", "language", "touchpoint_key", "last_answer_at", "consent_at")},
        ),
        (
            _("Advocacy"),
            {
                "fields": (
                    "status",
                    "status_changed_at",
                    "status_changed_by",
                    "opted_out_at",
                    "inactive_at",
                    "code",
                    "referral_link",
                    "visits",
                    "last_visit_at",
                    "signups_shown",
                    "conversions_shown",
                    "revenue_shown",
                    "all_referrals",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        """Everything: the snapshot is the customer's answer as it was, and statuses move through the actions."""
        return flatten_fieldsets(self.fieldsets)

    def get_queryset(self, request):
        return selectors.advocate_list()

    def has_add_permission(self, request):
        return False  # advocates come from the pipeline

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """Change is what the list's actions need; an advocate's own page only shows the advocate."""
        return obj is None and super().has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.export_advocate")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "advocate_summary": self._summary()})

    def _summary(self) -> dict:
        """Advocates by status now, and what their referrals brought in the last SUMMARY_DAYS days."""
        figures = selectors.referral_figures(
            since=timezone.now() - timedelta(days=SUMMARY_DAYS), reward_cost=settings.CX_REFERRAL_REWARD_COST
        )
        return {
            "statuses": [
                (status.label, figures.advocates_by_status.get(status.value, 0)) for status in Advocate.Status
            ],
            "days": SUMMARY_DAYS,
            "signups": figures.signups,
            "conversions": figures.conversions,
            "revenue": figures.revenue,
            "reward_cost": figures.reward_cost if figures.reward_cost > 0 else None,
            "roi_percent": None if figures.roi is None else figures.roi * 100,
        }

    # --- columns and read-only fields

    @admin.display(description=_("customer"), ordering="customer_external_id")
    def customer(self, advocate: Advocate) -> str:
        return format_html("{}<br>{}", advocate.customer_external_id, advocate.customer_name)

    @admin.display(description=_("signups"), ordering="signups")
    def signups_shown(self, advocate: Advocate) -> int:
        return advocate.signups

    @admin.display(description=_("conversions"), ordering="conversions")
    def conversions_shown(self, advocate: Advocate) -> int:
        return advocate.conversions

    @admin.display(description=_("referral revenue"), ordering="referral_revenue")
    def revenue_shown(self, advocate: Advocate) -> Decimal:
        return advocate.referral_revenue or Decimal("0.00")

    @admin.display(description=_("referral link"))
    def referral_link(self, advocate: Advocate) -> str:
        """As text to copy, not a link: following it from here would count a visit."""
        url = settings.CX_PUBLIC_BASE_URL.rstrip("/") + reverse("referral-visit", args=[advocate.code])
        return format_html("<code>{}</code>", url)

    @admin.display(description=_("referrals"))
    def all_referrals(self, advocate: Advocate) -> str:
        url = reverse("admin:closedloop_referral_changelist") + "?" + urlencode({"q": advocate.code})
        return format_html('<a href="{}">{}</a>', url, _("All referrals through this code"))

    # --- actions

    @admin.action(description=_("Mark invited"), permissions=["change"])
    def mark_invited(self, request, queryset):
        self._move(request, queryset, Advocate.Status.INVITED)

    @admin.action(description=_("Mark active"), permissions=["change"])
    def mark_active(self, request, queryset):
        self._move(request, queryset, Advocate.Status.ACTIVE)

    @admin.action(description=_("Mark declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        self._move(request, queryset, Advocate.Status.DECLINED)

    @admin.action(description=_("Opt out (consent withdrawn)"), permissions=["change"])
    def opt_out(self, request, queryset):
        customer_ids = list(queryset.values_list("customer_id", flat=True))
        count = services.advocates_opt_out(customer_ids=customer_ids, actor=request.user)
        done = ngettext_lazy("%(count)d advocate opted out.", "%(count)d advocates opted out.", "count")
        self.message_user(request, done % {"count": count}, messages.SUCCESS if count else messages.INFO)
        already = len(customer_ids) - count
        if already:
            were = ngettext_lazy(
                "%(count)d advocate had opted out already.", "%(count)d advocates had opted out already.", "count"
            )
            self.message_user(request, were % {"count": already}, messages.INFO)

    @admin.action(description=_("Export selected as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export selected as XLSX"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    def _move(self, request, queryset, to: str) -> None:
        """Move the selected advocates the rules allow; say, reason by reason, how many stayed as they were."""
        moved = services.advocates_move(ids=list(queryset.values_list("pk", flat=True)), to=to, actor=request.user)
        self.message_user(
            request, MOVED[to] % {"count": moved.moved}, messages.SUCCESS if moved.moved else messages.INFO
        )
        for reason, count in sorted(moved.refused.items()):
            self.message_user(request, LEFT_AS_THEY_WERE % {"count": count, "reason": reason}, messages.WARNING)

    def _export(self, request, queryset, kind: str):
        """The selected advocates marketing may contact, as a download; the export is logged with the rows sent.

        The ones left out are counted, reason by reason, in a message the next page shows.
        """
        ids = list(queryset.values_list("pk", flat=True))
        left_out = selectors.advocates_left_out(ids=ids)
        if left_out:
            reasons = "; ".join(f"{count} {LEFT_OUT_REASONS[reason]}" for reason, count in left_out.items())
            total = sum(left_out.values())
            message = LEFT_OUT % {"count": total, "selected": len(ids), "reasons": reasons}
            self.message_user(request, message, messages.WARNING)
        return exports.export_response(
            kind, selectors.AdvocateFilters(), actor=request.user, logged={"admin_selection": len(ids)}, ids=ids
        )


@admin.register(Referral)
class ReferralAdmin(ReadOnlyModelAdmin):
    """Referrals as the customer's systems reported them through the API: read here, never edited."""

    deletable = False

    list_display = ("advocate_code", "external_id", "kind", "revenue", "occurred_at")
    list_display_links = ("external_id",)
    list_filter = ("kind",)
    date_hierarchy = "occurred_at"
    search_fields = ("external_id", "advocate__code")
    list_select_related = ("advocate",)
    list_per_page = 50
    fields = ("advocate", "external_id", "kind", "revenue", "occurred_at", "created_at")

    @admin.display(description=_("advocate"), ordering="advocate__code")
    def advocate_code(self, referral: Referral) -> str:
        url = reverse("admin:closedloop_advocate_change", args=[referral.advocate_id])
        return format_html('<a href="{}">{}</a>', url, referral.advocate.code)


@admin.register(AdvocateExport)
class AdvocateExportAdmin(ReadOnlyModelAdmin):
    """The export log: who exported advocates, when, how, and how many rows (never the rows)."""

    deletable = False

    list_display = ("created_at", "actor", "format", "filters_shown", "row_count")
    list_filter = ("format",)
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    list_per_page = 50
    fields = ("created_at", "actor", "format", "filters_shown", "row_count")

    @admin.display(description=_("filters"))
    def filters_shown(self, export: AdvocateExport) -> str:
        return ", ".join(f"{name}={value}" for name, value in sorted(export.filters.items())) or "—"
