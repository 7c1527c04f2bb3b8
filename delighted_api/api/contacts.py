"""`metrics`, `unsubscribes` and `bounces`."""

from rest_framework.response import Response

from common.api.fields import StrictEmailField, StrictInputSerializer
from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from delighted_api import selectors, services, wire
from delighted_api.api.base import DelightedApi, PageQuery, UnixTimeField, next_link, page_of, query
from delighted_api.api.bodies import stopped_body
from delighted_api.api.fields import Unsupported


class MetricsApi(DelightedApi):
    """NPS, and each class's count and percentage, of the NPS answers at the touchpoint in a period."""

    permission_classes = (HasPerm("surveys.view_response"),)

    class MetricsQuery(QuerySerializer):
        since = UnixTimeField(required=False)
        until = UnixTimeField(required=False)
        trend = Unsupported("Trends are not supported; ask for a period with since and until.")

    def get(self, request):
        params = query(request, self.MetricsQuery)
        promoters, passives, detractors = selectors.nps_classes(
            touchpoint_id=services.touchpoint_required().id,
            period=selectors.Period(params.get("since"), params.get("until")),
        )
        return Response(wire.nps_metrics(promoters=promoters, passives=passives, detractors=detractors))


def _stopped_page(request, *, field: str, name: str) -> Response:
    params = query(request, PageQuery)
    per_page, page = params["per_page"], params["page"]
    rows = selectors.customers_stopped(
        field=field,
        period=selectors.Period(params.get("since"), params.get("until")),
        offset=(page - 1) * per_page,
        limit=per_page + 1,
    )
    rows, more = page_of(rows, per_page=per_page)
    headers = next_link(request, page=page + 1) if more else None
    return Response([stopped_body(customer, field=field, name=name) for customer in rows], headers=headers)


class UnsubscribesApi(DelightedApi):
    """Unsubscribe a person by email (no survey is sent to them again), or list who unsubscribed."""

    permission_classes = (HasPerm("surveys.view_customer", write="surveys.change_customer"),)

    class InputSerializer(StrictInputSerializer):
        person_email = StrictEmailField(max_length=254)

    def post(self, request):
        checked = self.InputSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        services.unsubscribe(email=checked.validated_data["person_email"])
        return Response({"ok": True})

    def get(self, request):
        return _stopped_page(request, field="unsubscribed_at", name="unsubscribed_at")


class BouncesApi(DelightedApi):
    """List the people whose email bounced."""

    permission_classes = (HasPerm("surveys.view_customer"),)

    def get(self, request):
        return _stopped_page(request, field="email_bounced_at", name="bounced_at")
