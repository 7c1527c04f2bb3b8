"""Signal batches in from the customer's systems; after they commit, the touched accounts' health is refreshed."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.signals import signals_ingest
from common.api.permissions import HasPerm
from portfolio import tasks
from portfolio.api import examples
from portfolio.api.schema import ListBodySchema
from portfolio.api.serializers import SignalSerializer, SignalsIngestedSerializer

SIGNALS_MAX = 5000
CREATE_ACCOUNTS = "create_accounts"


def _create_accounts(request) -> bool:
    given = request.query_params.get(CREATE_ACCOUNTS)
    if given is None:
        return False
    if given not in ("true", "false"):
        raise ValidationError({CREATE_ACCOUNTS: ["Must be true or false."]})
    if given == "true" and not request.user.has_perm("accounts.add_account"):
        raise PermissionDenied("create_accounts=true needs the permission to add accounts.")
    return given == "true"


class AccountSignalIngestApi(APIView):
    """Upsert a batch of daily signals: all of it, or nothing."""

    permission_classes = (HasPerm("accounts.add_accountsignal"),)  # integration accounts; no role has it
    schema = ListBodySchema()

    @extend_schema(
        request=SignalSerializer(many=True),
        examples=examples.SIGNAL_EXAMPLES,
        parameters=[
            OpenApiParameter(
                CREATE_ACCOUNTS,
                OpenApiTypes.BOOL,
                description="true: an account the batch names that does not exist is created (its external id "
                "its only field). Default false: such a batch is refused, naming the accounts.",
            )
        ],
        description=f"A list of 1 to {SIGNALS_MAX:,} rows. A repeated (account, date, key) replaces the stored "
        "value; repeated within the batch, the last row wins. All or nothing.",
        responses={
            200: SignalsIngestedSerializer,
            400: OpenApiResponse(
                description="Bad input: `error.fields` names each problem by row index and field (`3.date`), "
                "up to 100 of them; nothing was written."
            ),
        },
    )
    def post(self, request):
        create_accounts = _create_accounts(request)
        rows = request.data
        if not isinstance(rows, list) or not 1 <= len(rows) <= SIGNALS_MAX:
            raise ValidationError({"non_field_errors": [f"Send a list of 1 to {SIGNALS_MAX:,} signal rows."]})
        try:
            ingested = signals_ingest(rows, create_accounts=create_accounts)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        account_ids = sorted(ingested.account_ids)
        transaction.on_commit(lambda: tasks.health_refresh_accounts.delay(account_ids))
        body = {
            "received": ingested.received,
            "written": ingested.written,
            "accounts_created": ingested.accounts_created,
            "accounts": len(account_ids),
        }
        return Response(body, status=status.HTTP_200_OK)
