"""The delivery logs' filters and pages, as the API takes them from the query string."""

from django_filters import rest_framework as filters

from common.api.filters import GivenChoiceFilter, IdFilter
from common.api.pagination import StrictPageNumberPagination
from webhooks import catalogue
from webhooks.models import Delivery


class DeliveryFilter(filters.FilterSet):
    status = GivenChoiceFilter(choices=Delivery.Status.choices, help_text="pending, retrying, succeeded or failed.")
    event_type = GivenChoiceFilter(field_name="event__type", choices=catalogue.EVENT_CHOICES, help_text="Event type.")

    class Meta:
        model = Delivery
        fields = ()


class DeadLetterFilter(filters.FilterSet):
    endpoint = IdFilter(
        field_name="endpoint_id", min_value=1, max_value=2**63 - 1, help_text="Only this endpoint's (its id)."
    )
    event_type = GivenChoiceFilter(field_name="event__type", choices=catalogue.EVENT_CHOICES, help_text="Event type.")

    class Meta:
        model = Delivery
        fields = ()


class DeliveryPagination(StrictPageNumberPagination):
    """Pages of a delivery log, newest first."""
