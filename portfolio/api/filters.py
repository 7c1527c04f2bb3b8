"""The accounts list's filters, ordering and pages, as the API takes them from the query string.

A parameter given but empty (`?stage=`) is an error naming it, not "no filter", as elsewhere in the API.
"""

from django import forms
from django.db.models import F
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from accounts.models import Account, Band, Stage

ORDERINGS = ("health_score", "renewal_date", "mrr", "name")


class _GivenMixin:
    def to_python(self, value):
        if value == "":
            raise forms.ValidationError("Give a value, or leave the parameter out.", code="invalid")
        return super().to_python(value)  # type: ignore[misc]


class GivenCharField(_GivenMixin, forms.CharField):
    pass


class GivenChoiceField(_GivenMixin, forms.ChoiceField):
    pass


class GivenDateField(_GivenMixin, forms.DateField):
    def __init__(self, **kwargs):
        kwargs["input_formats"] = ["%Y-%m-%d"]
        super().__init__(**kwargs)


class GivenCharFilter(filters.CharFilter):
    field_class = GivenCharField


class GivenChoiceFilter(filters.ChoiceFilter):
    field_class = GivenChoiceField


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


class AccountPagination(PageNumberPagination):
    """Pages of accounts; a page or page_size that is not a whole number is a 400, not quietly the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) > 0):
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        given = request.query_params.get(self.page_query_param)
        if given is not None and given not in self.last_page_strings and not (given.isascii() and given.isdigit()):
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1 up, or 'last'."]})
        return super().get_page_number(request, paginator)
