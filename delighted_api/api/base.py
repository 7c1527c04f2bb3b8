"""What every view of the Delighted-compatible API shares: authentication, rate limit, errors, query strings, Link."""

from urllib.parse import urlencode

from rest_framework import serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from common.api.filters import QuerySerializer
from delighted_api import services, wire
from delighted_api.api.auth import TokenBasicAuthentication, TokenThrottle
from delighted_api.api.errors import ServiceNotSetUp, delighted_exception_handler

PER_PAGE_MAX = 100


class DelightedApi(APIView):
    """A view of /delighted/v1/: Delighted's contract, not in the platform's OpenAPI schema."""

    schema = None
    authentication_classes = (TokenBasicAuthentication, TokenAuthentication)
    throttle_classes = (TokenThrottle,)
    renderer_classes = (JSONRenderer,)
    parser_classes = (JSONParser,)

    def get_exception_handler(self):
        return delighted_exception_handler

    def handle_exception(self, exc):
        if isinstance(exc, services.NotSetUp):
            exc = ServiceNotSetUp(str(exc))
        return super().handle_exception(exc)


class UnixTimeField(serializers.IntegerField):
    """Unix seconds, as Delighted's clients send every time."""

    def to_internal_value(self, data):
        seconds = super().to_internal_value(data)
        if not 0 <= seconds <= wire.UNIX_MAX:
            raise serializers.ValidationError(f"Must be Unix seconds, from 0 to {wire.UNIX_MAX}.")
        return wire.from_unix(seconds)


class PageQuery(QuerySerializer):
    """`per_page`, `page`, `since` and `until`, as the lists of Delighted take them."""

    per_page = serializers.IntegerField(required=False, min_value=1, max_value=PER_PAGE_MAX, default=20)
    page = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000, default=1)
    since = UnixTimeField(required=False)
    until = UnixTimeField(required=False)


def query(request, serializer_class: type[serializers.Serializer], *, lists: tuple[str, ...] = ()) -> dict:
    """The validated query string; a parameter the endpoint does not take is an error naming it."""
    allowed = set(serializer_class().fields) | set(lists)
    unknown = {name: ["Unknown parameter."] for name in sorted(request.query_params) if name not in allowed}
    if unknown:
        raise serializers.ValidationError(unknown)
    checked = serializer_class(data=request.query_params)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def next_link(request, **changes) -> dict[str, str]:
    """The `Link: <…>; rel="next"` header for the same query with `changes`."""
    params = [(name, value) for name, values in request.query_params.lists() if name not in changes for value in values]
    params += [(name, str(value)) for name, value in changes.items()]
    url = request.build_absolute_uri(request.path) + "?" + urlencode(params)
    return {"Link": f'<{url}>; rel="next"'}


def page_of(rows: list, *, per_page: int) -> tuple[list, bool]:
    """The page's rows of a query that fetched one more than a page, and whether there is another page."""
    return rows[:per_page], len(rows) > per_page
