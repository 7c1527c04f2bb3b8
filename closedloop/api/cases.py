"""Staff endpoints for cases: the triage queue, one case with its answers and log, changes and notes.

Views translate HTTP to one service call; every rule about which change a case allows lives in
closedloop.services and closedloop.rules, and a refused change comes back as a 400 naming the field.
How a case is written is in `serializers`, the queue's filters in `filters`.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from closedloop import selectors, services
from closedloop.api import examples
from closedloop.api.filters import CaseFilter
from closedloop.api.serializers import (
    MAX_ID,
    ActivitySerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CaseStatusField,
)
from closedloop.models import Case, RootCause
from closedloop.paging import ESTIMATE_FROM, QueuePaginator
from closedloop.values_rows import ValuesRows
from common.api.fields import StrictBooleanField, StrictCharField, StrictInputSerializer, StrictIntegerField
from common.api.pagination import StrictPageNumberPagination
from common.api.permissions import HasPerm

MAX_TEXT = 10_000
NOT_FOUND = "No case has this id."

CASE_ACCESS = HasPerm("closedloop.view_case", write="closedloop.change_case")  # the roles in common.roles

# --- The queue --------------------------------------------------------------------------------


class CasePagination(StrictPageNumberPagination):
    """Pages of the queue; the unfiltered queue past ESTIMATE_FROM cases gives PostgreSQL's estimate as its count."""

    rows = None  # a view may set it: turns a page's slice of cases into the page's rows (QueuePaginator's rows)

    def django_paginator_class(self, queryset, page_size):
        return QueuePaginator(queryset, page_size, rows=self.rows)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = self.page.paginator.estimated
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": f"True when `count` is PostgreSQL's estimate: the whole queue, {ESTIMATE_FROM:,}+ cases.",
        }
        paginated["required"] = [*paginated.get("required", []), "count_estimated"]
        return paginated


class CaseListApi(ListAPIView):
    """List cases, most urgent first (priority, then due time), filtered as the triage console asks."""

    permission_classes = (CASE_ACCESS,)
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    pagination_class = CasePagination

    output = ValuesRows(CaseSerializer)

    def get_queryset(self):
        return selectors.case_list()

    def page_rows(self, cases):
        """A page's cases as `.values()` rows: what CaseSerializer reads, without a model instance per case."""
        return cases.values(*self.output.lookups)

    def list(self, request, *args, **kwargs):
        """CaseSerializer's output, built from `.values()` rows rather than case instances (see ValuesRows)."""
        self.paginator.rows = self.page_rows  # the count reads the cases; the page, their rows
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.output.represent(page))

    @extend_schema(
        responses={
            200: CaseSerializer(many=True),
            400: OpenApiResponse(description="A filter is invalid; error.fields says which."),
            404: OpenApiResponse(description="No such page."),
        }
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- One case ---------------------------------------------------------------------------------


class RootCauseKeyField(serializers.SlugRelatedField):
    """A root cause by its key; a key with a NUL character is unknown (PostgreSQL refuses it in a query)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class CaseDetailApi(GenericAPIView):
    """Show one case, or change it."""

    @extend_schema_serializer(component_name="CaseChange", examples=examples.CASE_CHANGE_EXAMPLES)
    class InputSerializer(StrictInputSerializer):
        """The fields a PATCH may send; a field left out stays as it is."""

        status = CaseStatusField(required=False)
        owner = StrictIntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            max_value=MAX_ID,
            help_text="User id of an active staff member.",
        )
        priority = StrictIntegerField(required=False, help_text="1 (most urgent) to 4.")
        root_cause = RootCauseKeyField(
            slug_field="key",
            queryset=RootCause.objects.all(),
            required=False,
            allow_null=True,
            error_messages={"does_not_exist": "Unknown root cause '{value}'."},
            help_text="Root cause key, or null to clear it.",
        )
        resolution = StrictCharField(required=False, allow_blank=True, max_length=MAX_TEXT)
        note = StrictCharField(
            required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Adds a note to the log."
        )
        notify_customer = StrictBooleanField(
            required=False, help_text="Email the resolution note to the customer (once; resolved cases only)."
        )
        resurvey_in_days = StrictIntegerField(
            required=False, help_text="Survey the customer of a resolved case again in this many days (1 to 365)."
        )

        _RENAMED = {"owner": "owner_id", "root_cause": "root_cause_id"}

        def to_change(self) -> services.CaseChange:
            """The service's change, with only the fields the request sent (the rest UNSET)."""
            data = dict(self.validated_data)
            if data.get("root_cause") is not None:
                data["root_cause"] = data["root_cause"].pk
            return services.CaseChange(**{self._RENAMED.get(name, name): value for name, value in data.items()})

    permission_classes = (CASE_ACCESS,)
    serializer_class = CaseDetailSerializer
    filter_backends = ()

    def get_queryset(self):
        return selectors.case_detail()

    def get_object(self):
        case = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if case is None:
            raise NotFound(NOT_FOUND)
        return case

    @extend_schema(responses={200: CaseDetailSerializer, 404: OpenApiResponse(description="Unknown case.")})
    def get(self, request, pk: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(
                description="Bad input, or a change the case does not allow; `error.fields` names the field and why."
            ),
            404: OpenApiResponse(description="Unknown case."),
        },
    )
    def patch(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.case_change(case_id=pk, actor=request.user, change=serializer.to_change())
        except Case.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        return Response(self.get_serializer(self.get_object()).data)


# --- Notes ------------------------------------------------------------------------------------


class CaseNoteCreateApi(GenericAPIView):
    """Add a note to a case's log."""

    @extend_schema_serializer(component_name="CaseNote", examples=examples.CASE_NOTE_EXAMPLES)
    class InputSerializer(StrictInputSerializer):
        text = StrictCharField(max_length=MAX_TEXT)

    permission_classes = (CASE_ACCESS,)
    serializer_class = InputSerializer
    filter_backends = ()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: ActivitySerializer,
            400: OpenApiResponse(description="Empty or too long; `error.fields.text` says why."),
            404: OpenApiResponse(description="Unknown case."),
        },
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            note = services.case_note_add(case_id=pk, actor=request.user, text=serializer.validated_data["text"])
        except Case.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        return Response(ActivitySerializer(note).data, status=status.HTTP_201_CREATED)
