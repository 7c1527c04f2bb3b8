"""Reads of the Delighted-compatible API: its touchpoint and survey, people, answers, metrics, unsubscribes, bounces."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from delighted_api.models import PersonProperties
from surveys.models import ContactRule, Customer, Invitation, Response, Survey, Touchpoint
from surveys.scoring import Classification


@dataclass(frozen=True, slots=True)
class Period:
    """A `since` / `until` pair of a query; None leaves that end open."""

    since: datetime | None = None
    until: datetime | None = None

    def q(self, field: str) -> Q:
        query = Q()
        if self.since is not None:
            query &= Q(**{f"{field}__gte": self.since})
        if self.until is not None:
            query &= Q(**{f"{field}__lte": self.until})
        return query


def touchpoint_key() -> str:
    return settings.CX_DELIGHTED_TOUCHPOINT


def touchpoint_get() -> Touchpoint | None:
    """The touchpoint Delighted's calls stand for (CX_DELIGHTED_TOUCHPOINT), or None when nobody created it."""
    return Touchpoint.objects.filter(key=touchpoint_key()).first()


def survey_get(*, touchpoint_id: int) -> Survey | None:
    """The survey the touchpoint asks: its top active contact rule's, as a touchpoint event would pick."""
    rule = (
        ContactRule.objects.filter(touchpoint_id=touchpoint_id, active=True, survey__active=True)
        .select_related("survey")
        .order_by("-priority", "id")
        .first()
    )
    return rule.survey if rule else None


def customer_by_email(*, email: str) -> Customer | None:
    """The customer with this address (any case); the oldest when several share it."""
    return Customer.objects.filter(email__iexact=email).order_by("id").first()


def customer_get(*, customer_id: int) -> Customer:
    return Customer.objects.get(pk=customer_id)


def people() -> QuerySet[Customer]:
    """Customers with what Delighted shows of a person: last sent, last answered, next scheduled."""
    return Customer.objects.select_related("delighted_properties").annotate(
        last_sent_at=Max("invitations__sent_at"),
        last_responded_at=Max("responses__submitted_at"),
        next_survey_at=Min("invitations__send_at", filter=Q(invitations__status=Invitation.Status.SCHEDULED)),
    )


def people_page(*, after_id: int, limit: int, period: Period, email: str | None) -> list[Customer]:
    """Up to `limit` people after an id, oldest first, created within the period."""
    query = Customer.objects.filter(period.q("created_at"), pk__gt=after_id)
    if email:
        query = query.filter(email__iexact=email)
    ids = list(query.order_by("id").values_list("id", flat=True)[:limit])
    return list(people().filter(pk__in=ids).order_by("id"))


def person_properties(*, customer: Customer) -> dict:
    try:
        return dict(customer.delighted_properties.properties)
    except PersonProperties.DoesNotExist:
        return {}


def responses(*, touchpoint_id: int) -> QuerySet[Response]:
    """The answers given at the touchpoint, with their survey and customer."""
    return Response.objects.filter(touchpoint_id=touchpoint_id).select_related(
        "survey", "customer", "customer__delighted_properties"
    )


@dataclass(frozen=True, slots=True)
class ResponseQuery:
    created: Period
    updated: Period
    order: str = "asc"  # asc, desc, asc:updated_at, desc:updated_at
    person_id: int | None = None
    person_email: str | None = None


def responses_page(*, touchpoint_id: int, query: ResponseQuery, offset: int, limit: int) -> list[Response]:
    rows = responses(touchpoint_id=touchpoint_id).annotate(changed_at=Coalesce("updated_at", "submitted_at"))
    rows = rows.filter(query.created.q("submitted_at"), query.updated.q("changed_at"))
    if query.person_id is not None:
        rows = rows.filter(customer_id=query.person_id)
    if query.person_email:
        rows = rows.filter(customer__email__iexact=query.person_email)
    direction, _, field = query.order.partition(":")
    column = "changed_at" if field == "updated_at" else "submitted_at"
    sign = "-" if direction == "desc" else ""
    return list(rows.order_by(f"{sign}{column}", f"{sign}id")[offset : offset + limit])


def response_get(*, touchpoint_id: int, response_id: int) -> Response:
    """The answer with this id given at the touchpoint; raise Response.DoesNotExist otherwise."""
    return responses(touchpoint_id=touchpoint_id).get(pk=response_id)


def nps_classes(*, touchpoint_id: int, period: Period) -> tuple[int, int, int]:
    """How many promoters, passives and detractors answered an NPS survey at the touchpoint in the period."""
    counts = dict(
        Response.objects.filter(period.q("submitted_at"), touchpoint_id=touchpoint_id, survey__kind=Survey.Kind.NPS)
        .values("classification")
        .annotate(n=Count("id"))
        .values_list("classification", "n")
    )
    return (
        counts.get(Classification.PROMOTER, 0),
        counts.get(Classification.PASSIVE, 0),
        counts.get(Classification.DETRACTOR, 0),
    )


def customers_stopped(*, field: str, period: Period, offset: int, limit: int) -> list[Customer]:
    """Customers who unsubscribed (`unsubscribed_at`) or bounced (`email_bounced_at`) in the period, earliest first."""
    rows = Customer.objects.filter(period.q(field), **{f"{field}__isnull": False})
    return list(rows.order_by(field, "id")[offset : offset + limit])


def people_by_id(*, ids: list[int]) -> dict[int, Customer]:
    return {person.id: person for person in people().filter(pk__in=ids)}
