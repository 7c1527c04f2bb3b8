"""The accounts list's filters, ordering and pages, as the API takes them from the query string.

A parameter given but empty (`?stage=`) is an error naming it, not "no filter", as elsewhere in the API.
"""

from django import forms
from django.db.models import F
from django_filters import rest_framework as filters

from accounts.models import Account, Band, Stage
from common.api.filters import GivenChoiceFilter, GivenMixin
from common.api.pagination import StrictPageNumberPagination

ORDERINGS = ("health_score", "renewal_date", "mrr", "name")


class GivenCharField(GivenMixin, forms.CharField):
    pass


class GivenDateField(GivenMixin, forms.DateField):
    def __init__(self, **kwargs):
        kwargs["input_formats"] = ["%Y-%m-%d"]
        super().__init__(**kwargs)


class GivenCharFilter(filters.CharFilter):
    field_class = GivenCharField


class GivenDateFilter(filters.DateFilter):
    field_class = GivenDateField


class AccountFilter(filters.FilterSet):
    csm = GivenCharFilter(field_name="csm__username", max_length=150, help_text="The CSM's username.")
    stage = GivenChoiceFilter(choices=Stage.choices, help_text="Lifecycle stage.")
    band = GivenChoiceFilter(field_name="health_band", choices=Band.choices, help_text="Health band.")
    plan = GivenCharFilter(max_length=100, help_text="Plan, exactly.")
    renewal_before = GivenDateFilter(
        field_name="renewal_date", lookup_expr="lte", help_text="Renews on or before (YYYY-MM-DD)."
    )
    renewal_after = GivenDateFilter(
        field_name="renewal_date", lookup_expr="gte", help_text="Renews on or after (YYYY-MM-DD)."
    )
    ordering = GivenChoiceFilter(
        method="filter_ordering",
        choices=[(name, name) for name in ORDERINGS] + [(f"-{name}", f"-{name}") for name in ORDERINGS],
        help_text="health_score, renewal_date, mrr or name; '-' first for descending. Accounts without a value "
        "come last either way; ties by external id. Default: external id.",
    )

    class Meta:
        model = Account
        fields = ()

    def filter_ordering(self, queryset, name, value):
        field = value.lstrip("-")
        order = F(field).desc(nulls_last=True) if value.startswith("-") else F(field).asc(nulls_last=True)
        return queryset.order_by(order, "external_id")


class AccountPagination(StrictPageNumberPagination):
    """Pages of accounts; a page or page_size that is not a whole number is a 400, not quietly the default."""

    max_page_size = 500
