"""`people`: create (a touchpoint event), list, delete; and a person's pending survey requests."""

from datetime import timedelta

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from common.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictInputSerializer,
    StrictIntegerField,
)
from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from delighted_api import selectors, services, wire
from delighted_api.api.base import PER_PAGE_MAX, DelightedApi, UnixTimeField, next_link, page_of, query
from delighted_api.api.bodies import person_body
from delighted_api.api.fields import PropertiesField, Unsupported
from surveys.models import Customer

DELAY_MAX = int(timedelta(days=365).total_seconds())
NO_SMS = "SMS is not supported: people are surveyed by email."


class PeopleApi(DelightedApi):
    """Create a person (and hand them to the contact policy) or list people, oldest first."""

    permission_classes = (HasPerm("surveys.view_customer", write="surveys.add_touchpointevent"),)

    class InputSerializer(StrictInputSerializer):
        email = StrictEmailField(max_length=254)
        name = StrictCharField(required=False, allow_blank=True, max_length=200)
        delay = StrictIntegerField(required=False, min_value=0, max_value=DELAY_MAX)
        properties = PropertiesField(required=False)
        send = StrictBooleanField(required=False, default=True)
        channel = serializers.ChoiceField(choices=["email"], required=False, error_messages={"invalid_choice": NO_SMS})
        phone_number = Unsupported(NO_SMS)
        email_update = Unsupported("Changing a person's email is not supported; create the person with the new one.")
        phone_number_update = Unsupported(NO_SMS)
        last_sent_at = Unsupported("Setting last_sent_at is not supported: the contact policy keeps the history.")

        def validate_properties(self, value):
            try:
                wire.properties_locale(value)
            except ValueError as exc:
                raise serializers.ValidationError({"locale": [str(exc)]}) from None
            return value

    class ListQuery(QuerySerializer):
        per_page = serializers.IntegerField(required=False, min_value=1, max_value=PER_PAGE_MAX, default=20)
        page_info = serializers.IntegerField(required=False, min_value=0)
        since = UnixTimeField(required=False)
        until = UnixTimeField(required=False)
        email = serializers.CharField(required=False, max_length=254)
        phone_number = Unsupported(NO_SMS)

    def post(self, request):
        checked = self.InputSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        created = services.person_create(
            email=data["email"],
            name=data.get("name"),
            delay=data.get("delay"),
            properties=data.get("properties"),
            send=data["send"],
        )
        person = selectors.people().get(pk=created.customer_id)
        body = {
            **person_body(person),
            "survey_scheduled_at": wire.unix(created.scheduled_at),
            "contact_policy": created.reason,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    def get(self, request):
        params = query(request, self.ListQuery)
        per_page = params["per_page"]
        rows = selectors.people_page(
            after_id=params.get("page_info", 0),
            limit=per_page + 1,
            period=selectors.Period(params.get("since"), params.get("until")),
            email=params.get("email"),
        )
        rows, more = page_of(rows, per_page=per_page)
        headers = next_link(request, page_info=rows[-1].id) if more else None
        return Response([person_body(person) for person in rows], headers=headers)


class PersonApi(DelightedApi):
    """Delete a person (`people/123` or `people/email:ann@example.com`): forgotten everywhere."""

    permission_classes = (HasPerm("surveys.delete_customer"),)

    def delete(self, request, identifier: str):
        try:
            ref = wire.person_ref(identifier)
        except ValueError as exc:
            raise serializers.ValidationError({"id": [str(exc)]}) from None
        try:
            services.person_delete(ref=ref, actor=request.user)
        except Customer.DoesNotExist:
            raise NotFound("No person has this id or email.") from None
        return Response({"ok": True}, status=status.HTTP_202_ACCEPTED)


class PendingSurveyRequestsApi(DelightedApi):
    """Withdraw the survey requests not sent yet to the person with this email."""

    permission_classes = (HasPerm("surveys.add_touchpointevent"),)

    def delete(self, request, email: str):
        if "\x00" in email:
            raise ValidationError({"email": ["Must not contain a NUL character."]})
        cancelled = services.survey_requests_cancel(email=email)
        return Response({"ok": True, "cancelled": cancelled})
