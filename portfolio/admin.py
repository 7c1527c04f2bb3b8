"""The CSM console in the admin: the Account list as a CSM's portfolio, and the account's page.

The list opens red first, then by the soonest renewal (portfolio.selectors.portfolio_order);
the page shows why each score is what it is (portfolio.console). Edits are the account's own
fields, saved the admin's way; nothing here computes a score.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Band, HealthSnapshot
from common import formats
from common.admin import ReadOnlyModelAdmin
from portfolio import console, labels, selectors
from portfolio.admin_filters import CsmFilter
from portfolio.paging import PortfolioPaginator

NOT_A_VIEW = ("o", "p", "q", "_facets")  # ordering, page, search and counts do not change which view it is


def chip(score: int | None, band: str) -> str:
    """A score on its band's colour, with the band's word: readable without colour."""
    if score is None:
        return format_html('<span class="cx-chip cx-none">{}</span>', console.band_label(""))
    return format_html(
        '<span class="cx-chip {}"><b>{}</b> {}</span>',
        console.BAND_CLASSES.get(band, "cx-none"),
        score,
        console.band_label(band),
    )


class BandFilter(admin.SimpleListFilter):
    title = _("health band")
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return (*Band.choices, ("none", _("not scored")))

    def queryset(self, request, queryset):
        value = self.value()
        if value in Band.values:
            return queryset.filter(health_band=value)
        if value == "none":
            return queryset.filter(health_band="")
        return queryset


class PlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [(plan, plan) for plan in selectors.account_plans()]

    def queryset(self, request, queryset):
        return queryset.filter(plan=self.value()) if self.value() else queryset


class RenewalFilter(admin.SimpleListFilter):
    title = _("renewal")
    parameter_name = "renewal"
    WITHIN = {"30": 30, "90": 90, "180": 180}

    def lookups(self, request, model_admin):
        return (
            ("30", _("within 30 days")),
            ("90", _("within 90 days")),
            ("180", _("within 180 days")),
            ("past", _("date passed")),
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() in self.WITHIN:
            return queryset.filter(
                renewal_date__gte=today, renewal_date__lte=today + timedelta(self.WITHIN[self.value()])
            )
        if self.value() == "past":
            return queryset.filter(renewal_date__lt=today)
        return queryset


QUICK_VIEWS = (
    (_("All accounts"), {}),
    (_("Mine"), {"csm": "mine"}),
    (_("Red"), {"band": Band.RED}),
    (_("Renewing within 90 days"), {"renewal": "90"}),
)


def quick_views(request) -> list[dict]:
    """The portfolio's one-click views (all, mine, red, renewing soon), and which one is shown."""
    asked = {name: value for name, value in request.GET.items() if name not in NOT_A_VIEW}
    return [
        {"label": label, "url": "?" + urlencode(params), "current": asked == params} for label, params in QUICK_VIEWS
    ]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "name_shown",
        "health_shown",
        "temperature_shown",
        "mrr_shown",
        "stage",
        "renewal_shown",
        "csm_shown",
    )
    list_display_links = ("name_shown",)
    list_filter = (CsmFilter, "stage", BandFilter, PlanFilter, RenewalFilter)
    search_fields = ("name", "external_id")
    list_select_related = ("csm",)
    list_per_page = 50
    actions = None  # no bulk deletion from the portfolio (an account is deleted from its own page); no checkbox column
    paginator = PortfolioPaginator
    empty_value_display = "—"
    show_full_result_count = False  # "3 of 5,000 accounts" costs a second count of the whole table
    fields = ("external_id", "name", "plan", "mrr", "stage", "contract_start", "renewal_date", "csm")

    def get_queryset(self, request):
        return selectors.account_portfolio()

    def get_ordering(self, request):
        return selectors.portfolio_order()

    def get_readonly_fields(self, request, obj=None):
        return ("external_id",) if obj is not None else ()

    @admin.display(description=_("account"), ordering="name")
    def name_shown(self, account: Account) -> str:
        if account.name and account.name != account.external_id:
            return format_html('{}<br><span class="cx-quiet">{}</span>', account.name, account.external_id)
        return account.external_id

    @admin.display(description=_("health"), ordering="health_score")
    def health_shown(self, account: Account) -> str:
        return chip(account.health_score, account.health_band)

    @admin.display(description=_("temperature"), ordering="temperature")
    def temperature_shown(self, account: Account) -> str:
        return chip(account.temperature, account.temperature_band)

    @admin.display(description=_("MRR"), ordering="mrr")
    def mrr_shown(self, account: Account) -> str:
        return format_html('<span class="cx-num">{}</span>', formats.money(account.mrr))

    @admin.display(description=_("renewal"), ordering="renewal_date")
    def renewal_shown(self, account: Account) -> str:
        if account.renewal_date is None:
            return "—"
        return format_html(
            '<span class="cx-num">{}</span><br><span class="cx-quiet">{}</span>',
            account.renewal_date.isoformat(),
            labels.countdown(account.renewal_date, timezone.localdate()),
        )

    @admin.display(description=_("CSM"), ordering="csm__username")
    def csm_shown(self, account: Account) -> str:
        return (account.csm.get_full_name() or account.csm.username) if account.csm else "—"

    def changelist_view(self, request, extra_context=None):
        # The list takes the whole width: the apps' side menu gives way, as in the case queue.
        context = {"quick_views": quick_views(request), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        account = self.get_object(request, object_id)
        if account is not None:
            context["console"] = console.account_page(account, timezone.localdate())
        return super().change_view(request, object_id, form_url, context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "csm":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The CSM is chosen here, never edited: no edit, add, view or delete icons beside it."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "csm" and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(ReadOnlyModelAdmin):
    """Each account's scores as computed each day: the history the trend is drawn from, each explained."""

    deletable = False
    list_display = ("account", "date", "health_score", "health_band", "temperature", "temperature_band")
    list_filter = ("health_band", "temperature_band", "date")
    search_fields = ("account__external_id", "account__name")
    list_select_related = ("account",)
    date_hierarchy = "date"
    fields = ("account", "date", "computed_at", "health", "temperature_explained")
    readonly_fields = fields

    @admin.display(description=_("Health"))
    def health(self, snapshot: HealthSnapshot) -> str:
        score = console.explanation(snapshot.health_score, snapshot.health_band, snapshot.health_measures)
        return render_to_string(
            "admin/accounts/account/_explanation.html", {"name": "health", "title": _("Health"), "score": score}
        )

    @admin.display(description=_("Temperature"))
    def temperature_explained(self, snapshot: HealthSnapshot) -> str:
        score = console.explanation(snapshot.temperature, snapshot.temperature_band, snapshot.temperature_measures)
        return render_to_string(
            "admin/accounts/account/_explanation.html",
            {"name": "temperature", "title": _("Temperature"), "score": score},
        )


from portfolio import admin_churn  # noqa: E402, F401  (the churn log's admin)
