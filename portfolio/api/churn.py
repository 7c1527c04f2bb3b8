"""The churn log of one account: record a churn or downgrade (or confirm a proposal), list its records.

The view translates HTTP to one service call (portfolio.services.churn: a churn closes the account's
open at-risk cases); the rules are in accounts.services.churn.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts import selectors
from accounts.models import ChurnRecord
from common.api.fields import StrictCharField, StrictInputSerializer
from common.api.permissions import HasPerm
from portfolio.api import examples
from portfolio.api.accounts import NOT_FOUND
from portfolio.api.serializers import StrictDateField
from portfolio.services.churn import account_churn_record

REASONS_MAX = 20


@extend_schema_serializer(component_name="ChurnRecord")
class ChurnRecordSerializer(serializers.ModelSerializer):
    """A churn or downgrade as recorded (or proposed by the platform, for its CSM to confirm)."""

    account = serializers.CharField(source="account.external_id", read_only=True)
    reasons = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ChurnRecord
        fields = (
            "id",
            "account",
            "kind",
            "status",
            "date",
            "mrr_lost",
            "reasons",
            "competitor",
            "note",
            "recorded_by",
            "proposed_because",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_reasons(self, record) -> list[str]:
        return [reason.key for reason in record.reasons.all()]


@extend_schema_serializer(component_name="ChurnRecordIn")
class ChurnInputSerializer(StrictInputSerializer):
    """A churn or downgrade to record; recording the day's record of that kind again updates and confirms it."""

    kind = serializers.ChoiceField(choices=ChurnRecord.Kind.choices)
    date = StrictDateField(help_text="The day it left or shrank (YYYY-MM-DD), not in the future.")
    mrr_lost = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="MRR lost: 0 or more; more than 0 for a downgrade."
    )
    reasons = serializers.ListField(
        child=StrictCharField(max_length=40),
        required=False,
        max_length=REASONS_MAX,
        help_text="Keys of the churn reasons (key_person, competitor, out_of_business, not_adopted, needs_unmet, "
        "price, product_quality, support, other, or any a CX lead added).",
    )
    competitor = StrictCharField(required=False, allow_blank=True, max_length=200)
    note = StrictCharField(required=False, allow_blank=True, max_length=5000)


class AccountChurnApi(GenericAPIView):
    """An account's churn log: its records, newest first; or record a churn or downgrade."""

    permission_classes = (HasPerm("accounts.view_churnrecord", write="accounts.add_churnrecord"),)
    serializer_class = ChurnRecordSerializer
    filter_backends = ()
    pagination_class = None

    def _account(self, external_id: str):
        account = selectors.account_by_external_id(external_id)
        if account is None:
            raise NotFound(NOT_FOUND)
        return account

    @extend_schema(
        responses={200: ChurnRecordSerializer(many=True), 404: OpenApiResponse(description="Unknown account.")}
    )
    def get(self, request, external_id: str):
        account = self._account(external_id)
        records = account.churn_records.select_related("account", "recorded_by").prefetch_related("reasons")
        return Response(ChurnRecordSerializer(records.order_by("-date", "-id"), many=True).data)

    @extend_schema(
        request=ChurnInputSerializer,
        examples=examples.CHURN_EXAMPLES,
        description="Record a churn or a downgrade of the account. A record of the same kind and day (a proposal, "
        "say) is updated and confirmed: the same record. A churn closes the account's open at-risk cases.",
        responses={
            201: ChurnRecordSerializer,
            200: OpenApiResponse(ChurnRecordSerializer, description="The day's record existed: updated, confirmed."),
            400: OpenApiResponse(description="Bad input: `error.fields` names each problem; nothing was written."),
            404: OpenApiResponse(description="Unknown account."),
        },
    )
    def post(self, request, external_id: str):
        account = self._account(external_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send one churn record as a JSON object."]})
        serializer = ChurnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            recorded = account_churn_record(
                account,
                kind=data["kind"],
                date=data["date"],
                mrr_lost=data["mrr_lost"],
                reasons=data.get("reasons", ()),
                competitor=data.get("competitor", ""),
                note=data.get("note", ""),
                recorded_by=request.user,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        record = ChurnRecord.objects.select_related("account", "recorded_by").get(pk=recorded.record.pk)
        code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return Response(ChurnRecordSerializer(record).data, status=code)
