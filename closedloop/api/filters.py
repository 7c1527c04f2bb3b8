"""The triage queue's filters, as the cases API takes them from the query string."""

import operator
from functools import reduce

from django import forms
from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters

from closedloop import selectors
from closedloop.api.serializers import MAX_ID
from closedloop.models import Case, Priority
from common.api.filters import IdFilter, UTCDateTimeFilter


class StrictBooleanFormField(forms.NullBooleanField):
    """true or false (also 1 / 0); anything else given is an error, not "no filter"."""

    def to_python(self, value):
        if value is None:
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError("Must be true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # django-filter's widget maps what it does not know to None
        super().__init__(*args, **kwargs)


class CaseFilter(filters.FilterSet):
    # distinct=False: a column of the case's own row cannot repeat a case, and DISTINCT over every
    # column of a page made a filtered page of 100,000 cases take 182 ms instead of 20-25
    status = filters.MultipleChoiceFilter(
        choices=Case.Status.choices, distinct=False, help_text="Repeat for several statuses."
    )
    priority = filters.TypedMultipleChoiceFilter(
        choices=Priority.choices, coerce=int, distinct=False, help_text="1 (most urgent) to 4; repeat for several."
    )
    sla = filters.MultipleChoiceFilter(
        choices=Case.Sla.choices,
        method="filter_sla",
        distinct=False,
        help_text="Repeat for several SLA states; an open case past its due time is overdue, as in the console.",
    )
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Open and past its due time (now).")
    mine = StrictBooleanFilter(method="filter_mine", help_text="Owned by the user asking.")
    owner = IdFilter(field_name="owner_id", min_value=1, max_value=MAX_ID, help_text="Owner's user id.")
    touchpoint = filters.CharFilter(field_name="touchpoint_key", max_length=64, help_text="Touchpoint key.")
    root_cause = filters.CharFilter(field_name="root_cause__key", max_length=64, help_text="Root cause key.")
    language = filters.CharFilter(max_length=8, help_text="Language of the comment (en, zh, mixed, other).")
    customer = filters.CharFilter(field_name="customer_external_id", max_length=128, help_text="External id.")
    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Text in the customer's external id or name, or the comment."
    )
    since = UTCDateTimeFilter(field_name="opened_at", lookup_expr="gte", help_text="Opened at or after (ISO 8601).")
    until = UTCDateTimeFilter(field_name="opened_at", lookup_expr="lt", help_text="Opened before (ISO 8601).")

    def filter_sla(self, queryset, name, value):
        if not value:
            return queryset
        now = timezone.now()
        return queryset.filter(reduce(operator.or_, (selectors.sla_is(state, now) for state in value)))

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        mine = Q(owner_id=self.request.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(customer_external_id__icontains=value) | Q(customer_name__icontains=value) | Q(comment__icontains=value)
        )
