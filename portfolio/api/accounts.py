"""Accounts in and out: upsert from the customer's systems, the portfolio list, one account and its health history.

Views translate HTTP to one service or selector call; the rules are in accounts.services.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from accounts import selectors
from accounts.services.accounts import accounts_upsert
from accounts.signal_rows import EARLIEST_DATE
from common.api.errors import flatten_field_errors
from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from portfolio.api import examples
from portfolio.api.filters import AccountFilter, AccountPagination
from portfolio.api.schema import ListBodySchema
from portfolio.api.serializers import (
    AccountInputSerializer,
    AccountSerializer,
    HealthSnapshotSerializer,
    StrictDateField,
)

ACCOUNTS_MAX = 500
HISTORY_DAYS = 180
HISTORY_MAX_DAYS = 3 * 366
NOT_FOUND = "No account has this external id."

ACCOUNT_REF = {"$ref": "#/components/schemas/Account"}  # the GET's component
ACCOUNT_ACCESS = HasPerm("accounts.view_account", write="accounts.add_account")


def _rows_or_errors(items: list) -> list[dict]:
    """Each item read by AccountInputSerializer; every item's problems together, named "index.field"."""
    rows, errors = [], {}
    for index, item in enumerate(items):
        serializer = AccountInputSerializer(data=item)
        if serializer.is_valid():
            rows.append(dict(serializer.validated_data))
        else:
            errors[str(index)] = serializer.errors
    if errors:
        raise ValidationError(errors)
    return rows


def _named(errors: dict, single: bool) -> dict:
    """Errors by "index.field" for a list; by "field" alone when one object was sent."""
    if not single:
        return errors
    flat = flatten_field_errors(errors)
    return {name.split(".", 1)[1] if "." in name else name: value for name, value in flat.items()}


class AccountListApi(ListAPIView):
    """List accounts (filtered, ordered, in pages), or create and update them by external id."""

    permission_classes = (ACCOUNT_ACCESS,)
    schema = ListBodySchema()
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    pagination_class = AccountPagination

    def get_queryset(self):
        return selectors.account_list()

    @extend_schema(
        responses={
            200: AccountSerializer(many=True),
            400: OpenApiResponse(description="A filter is invalid; error.fields says which."),
            404: OpenApiResponse(description="No such page."),
        }
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=AccountInputSerializer(many=True),
        examples=examples.ACCOUNT_EXAMPLES,
        description=f"One account object, or a list of 1 to {ACCOUNTS_MAX}. Upsert by `external_id`: a field "
        "left out keeps its value. All or nothing.",
        responses={
            200: OpenApiResponse(
                response={"oneOf": [ACCOUNT_REF, {"type": "array", "items": ACCOUNT_REF}]},
                description="The stored account, or the list of them in the order sent.",
            ),
            400: OpenApiResponse(
                description="Bad input: `error.fields` names each problem by index and field (`2.csm`); "
                "nothing was written."
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        single = isinstance(request.data, dict)
        items = [request.data] if single else request.data
        if not isinstance(items, list) or not 1 <= len(items) <= ACCOUNTS_MAX:
            raise ValidationError({"non_field_errors": [f"Send one account, or a list of 1 to {ACCOUNTS_MAX}."]})
        try:
            accounts = accounts_upsert(_rows_or_errors(items))
        except DjangoValidationError as exc:
            raise ValidationError(_named(exc.message_dict, single)) from None
        except ValidationError as exc:
            raise ValidationError(_named(exc.detail, single)) from None
        data = AccountSerializer(accounts, many=True).data
        return Response(data[0] if single else data, status=status.HTTP_200_OK)


class AccountDetailApi(GenericAPIView):
    """Show one account by external id, with its health and temperature explained."""

    permission_classes = (HasPerm("accounts.view_account"),)
    serializer_class = AccountSerializer
    filter_backends = ()

    @extend_schema(responses={200: AccountSerializer, 404: OpenApiResponse(description="Unknown account.")})
    def get(self, request, external_id: str):
        account = selectors.account_by_external_id(external_id)
        if account is None:
            raise NotFound(NOT_FOUND)
        return Response(self.get_serializer(account).data)


class HistoryQuery(QuerySerializer):
    since = StrictDateField(required=False, help_text=f"From this day (YYYY-MM-DD); default {HISTORY_DAYS} days ago.")
    until = StrictDateField(required=False, help_text="To this day, included (YYYY-MM-DD); default today.")

    def validate(self, attrs):
        for name in ("since", "until"):
            if name in attrs and attrs[name] < EARLIEST_DATE:
                raise serializers.ValidationError({name: [f"Must be on or after {EARLIEST_DATE.isoformat()}."]})
        until = attrs.get("until") or timezone.localdate()
        since = attrs.get("since") or until - timedelta(days=HISTORY_DAYS)
        if since > until:
            raise serializers.ValidationError({"since": ["Must not be after until."]})
        if (until - since).days > HISTORY_MAX_DAYS:
            raise serializers.ValidationError({"since": [f"The period may span at most {HISTORY_MAX_DAYS} days."]})
        return {"since": since, "until": until}


class AccountHealthHistoryApi(GenericAPIView):
    """An account's daily health and temperature snapshots, oldest first (default: the last 180 days)."""

    permission_classes = (HasPerm("accounts.view_account"),)
    serializer_class = HealthSnapshotSerializer
    filter_backends = ()

    @extend_schema(
        parameters=[HistoryQuery],
        responses={
            200: HealthSnapshotSerializer(many=True),
            400: OpenApiResponse(description="since or until is invalid; error.fields says which."),
            404: OpenApiResponse(description="Unknown account."),
        },
    )
    def get(self, request, external_id: str):
        query = HistoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        account = selectors.account_by_external_id(external_id)
        if account is None:
            raise NotFound(NOT_FOUND)
        snapshots = selectors.health_history(account_id=account.pk, **query.validated_data)
        return Response(self.get_serializer(snapshots, many=True).data)
