"""The churn log in the admin: records (proposals first, confirmed or dismissed in bulk), the reasons' taxonomy,
and the monthly review (portfolio.admin_review, at review/ under the records).

Saving a record goes through portfolio.services.churn, as the API does: saving a proposal confirms it
(the same record), and a churn closes the account's open at-risk cases. The reasons are checkboxes
named in the reader's language.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Account, ChurnReason, ChurnRecord
from accounts.services.churn import churn_record_problems
from common import formats
from portfolio.admin_filters import AccountCsmFilter
from portfolio.admin_review import churn_review_view
from portfolio.services.churn import account_churn_confirm, account_churn_dismiss, account_churn_record


class ReasonsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ChurnReason) -> str:
        return str(obj)  # in the reader's language


class ChurnRecordForm(forms.ModelForm):
    reasons = ReasonsField(
        queryset=ChurnReason.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("reasons"),
    )

    class Meta:
        model = ChurnRecord
        fields = ("account", "kind", "date", "mrr_lost", "reasons", "competitor", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a reason since made inactive stays ticked on the records that have it
            chosen = self.instance.reasons.values_list("pk", flat=True)
            self.fields["reasons"].queryset = ChurnReason.objects.filter(active=True) | ChurnReason.objects.filter(
                pk__in=list(chosen)
            )

    def clean(self):
        data = super().clean()
        instance = self.instance
        kind = data.get("kind", instance.kind if instance.pk else None)
        day = data.get("date", instance.date if instance.pk else None)
        if "mrr_lost" in data and kind and day:
            problems = churn_record_problems(
                kind=kind, date=day, mrr_lost=data["mrr_lost"], reasons=[r.key for r in data.get("reasons") or ()]
            )
            for name, errors in problems.items():
                self.add_error(name if name in self.fields else None, errors)
        return data

    def _get_validation_exclusions(self):
        """Not the one-record-a-day constraint: the day's record already there (a proposal) is the one confirmed."""
        return {*super()._get_validation_exclusions(), "kind"}


class ReasonFilter(admin.SimpleListFilter):
    title = _("reasons")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [(reason.key, str(reason)) for reason in ChurnReason.objects.all()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(reasons__key=value).distinct() if value else queryset


@admin.register(ChurnRecord)
class ChurnRecordAdmin(admin.ModelAdmin):
    form = ChurnRecordForm
    list_display = ("account", "kind", "status", "date", "mrr_shown", "reasons_shown", "csm_shown", "recorded_by")
    list_filter = ("kind", "status", ReasonFilter, "date", AccountCsmFilter)
    search_fields = ("account__name", "account__external_id", "competitor")
    list_select_related = ("account", "account__csm", "recorded_by")
    autocomplete_fields = ("account",)
    actions = ("confirm", "dismiss")
    date_hierarchy = "date"
    empty_value_display = "—"
    change_list_template = "admin/accounts/churnrecord/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(partial(churn_review_view, self))
        return [path("review/", view, name="accounts_churnrecord_review"), *super().get_urls()]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reasons")

    def get_ordering(self, request):
        proposed = When(status=ChurnRecord.Status.PROPOSED, then=Value(0))
        return (Case(proposed, default=Value(1), output_field=IntegerField()).asc(), "-date", "-id")

    def get_readonly_fields(self, request, obj=None):
        base = ("status", "recorded_by", "proposed_because")
        return ("account", "kind", "date", *base) if obj is not None else base

    def get_fields(self, request, obj=None):
        fields = ["account", "kind", "date", "mrr_lost", "reasons", "competitor", "note"]
        return [*fields, "status", "recorded_by", "proposed_because"] if obj is not None else fields

    @admin.display(description=_("MRR lost"), ordering="mrr_lost")
    def mrr_shown(self, record: ChurnRecord) -> str:
        return formats.money(record.mrr_lost)

    @admin.display(description=_("reasons"))
    def reasons_shown(self, record: ChurnRecord) -> str:
        return "、".join(str(reason) for reason in record.reasons.all()) or "—"

    @admin.display(description=_("CSM"), ordering="account__csm__username")
    def csm_shown(self, record: ChurnRecord) -> str:
        csm = record.account.csm
        return (csm.get_full_name() or csm.username) if csm else "—"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        account: Account = obj.account
        recorded = account_churn_record(
            account,
            kind=obj.kind,
            date=obj.date,
            mrr_lost=data["mrr_lost"],
            reasons=[reason.key for reason in data.get("reasons") or ()],
            competitor=data.get("competitor", ""),
            note=data.get("note", ""),
            recorded_by=request.user,
        )
        obj.pk = recorded.record.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """The service set the reasons."""

    @admin.action(description=_("Confirm the selected records"), permissions=["change"])
    def confirm(self, request, queryset):
        done = sum(account_churn_confirm(record, actor=request.user) for record in queryset.order_by("pk"))
        self.message_user(
            request, ngettext("%(count)d record confirmed.", "%(count)d records confirmed.", done) % {"count": done}
        )

    @admin.action(description=_("Dismiss the selected records"), permissions=["change"])
    def dismiss(self, request, queryset):
        done = sum(account_churn_dismiss(record, actor=request.user) for record in queryset.order_by("pk"))
        self.message_user(
            request,
            ngettext("%(count)d record dismissed.", "%(count)d records dismissed.", done) % {"count": done},
            messages.SUCCESS,
        )


@admin.register(ChurnReason)
class ChurnReasonAdmin(admin.ModelAdmin):
    list_display = ("key", "name_en", "name_zh_hans", "name_zh_hant", "position", "active")
    list_editable = ("position", "active")
    list_filter = ("active",)
    search_fields = ("key", "name_en", "name_zh_hans", "name_zh_hant")
    ordering = ("position", "key")
