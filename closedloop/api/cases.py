"""Staff endpoints for cases: the triage queue, one case with its answers and log, changes and notes.

Views translate HTTP to one service call; every rule about which change a case allows lives in
closedloop.services and closedloop.rules, and a refused change comes back as a 400 naming the field.
"""

import operator
from functools import reduce

from django import forms
from django.db.models import Q
from django.utils import timezone, translation
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from closedloop import selectors, services
from closedloop.models import Case, CaseActivity, CaseTrigger, Priority, RootCause
from closedloop.paging import ESTIMATE_FROM, QueuePaginator
from closedloop.values_rows import ValuesRows
from common.api.fields import StrictBooleanField, StrictCharField, StrictInputSerializer, StrictIntegerField
from common.api.filters import IdFilter, UTCDateTimeFilter
from common.api.permissions import HasPerm

MAX_ID = 2**63 - 1
MAX_TEXT = 10_000
NOT_FOUND = "No case has this id."

# --- Who may use the API ----------------------------------------------------------------------

CASE_ACCESS = HasPerm("closedloop.view_case", write="closedloop.change_case")  # the roles in common.roles

# --- Output -----------------------------------------------------------------------------------


def _named_choice_field(component_name: str, choices) -> type[serializers.ChoiceField]:
    """A choice field whose enum is one named schema component.

    "status", "reason" and "sla" name other choice sets elsewhere in the API; without a name of
    its own each of the case's enums would be named by a hash and drf-spectacular would warn.
    """
    schema = {
        "type": "string",
        "enum": [value for value, _ in choices],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
    }

    @extend_schema_field(schema, component_name=component_name)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return NamedChoiceField


CaseStatusField = _named_choice_field("CaseStatusEnum", Case.Status.choices)
CaseReasonField = _named_choice_field("CaseReasonEnum", Case.Reason.choices)
CaseSlaField = _named_choice_field("CaseSlaEnum", Case.Sla.choices)


@extend_schema_serializer(component_name="Case")
class CaseSerializer(serializers.ModelSerializer):
    """A case as the queue shows it."""

    status = CaseStatusField(read_only=True)
    reason = CaseReasonField(read_only=True)
    sla = CaseSlaField(read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True, help_text="Owner's user id.")
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True, default=None)
    team = serializers.CharField(source="team.name", read_only=True, allow_null=True, default=None)
    root_cause = serializers.CharField(
        source="root_cause.key", read_only=True, allow_null=True, default=None, help_text="Root cause key."
    )
    touchpoint = serializers.CharField(source="touchpoint_key", read_only=True, help_text="Touchpoint key.")
    customer = serializers.CharField(
        source="customer_external_id", read_only=True, help_text="The customer's external id."
    )
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = (
            "id",
            "status",
            "priority",
            "reason",
            "sla",
            "owner",
            "owner_username",
            "team",
            "root_cause",
            "survey_kind",
            "score",
            "classification",
            "comment",
            "language",
            "sentiment",
            "polarity",
            "keywords",
            "touchpoint",
            "customer",
            "customer_id",
            "customer_name",
            "customer_email",
            "customer_value",
            "customer_plan",
            "customer_account",
            "locale",
            "given_at",
            "opened_at",
            "due_at",
            "escalated_at",
            "first_contact_at",
            "resolved_at",
            "closed_at",
            "customer_notified_at",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseAnswer")
class AnswerSerializer(serializers.ModelSerializer):
    """An answer that opened the case or was attached to it."""

    touchpoint = serializers.CharField(source="touchpoint_key", read_only=True, help_text="Touchpoint key.")

    class Meta:
        model = CaseTrigger
        fields = (
            "id",
            "source",
            "source_id",
            "feedback_id",
            "survey_kind",
            "score",
            "comment",
            "sentiment",
            "touchpoint",
            "given_at",
        )
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseActivity")
class ActivitySerializer(serializers.ModelSerializer):
    """One entry of a case's log."""

    actor = serializers.IntegerField(
        source="actor_id", read_only=True, allow_null=True, help_text="User id; null for the system."
    )
    actor_username = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CaseActivity
        fields = ("id", "kind", "message", "actor", "actor_username", "created_at")
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseDetail")
class CaseDetailSerializer(CaseSerializer):
    """A case with its resolution, the answers attached to it and its activity log."""

    root_cause_name_en = serializers.CharField(
        source="root_cause.name_en", read_only=True, allow_null=True, default=None
    )
    root_cause_name_zh = serializers.CharField(
        source="root_cause.name_zh", read_only=True, allow_null=True, default=None
    )
    answers = AnswerSerializer(source="triggers", many=True, read_only=True)
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (
            *CaseSerializer.Meta.fields,
            "source",
            "source_id",
            "feedback_id",
            "survey_id",
            "root_cause_name_en",
            "root_cause_name_zh",
            "resolution",
            "customer_note",
            "customer_note_error",
            "resurvey_due_at",
            "resurvey_sent_at",
            "recovery_score",
            "answers",
            "activities",
        )
        read_only_fields = fields


# --- The queue --------------------------------------------------------------------------------


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

    def get_form_class(self):
        """The form, built once per language (django-filter fixes each label in the language it is built in).

        Building it took 0.9 ms of each request's 1.5 ms of filtering. None of the fields depends
        on the request (a filter that did, such as a ModelChoiceFilter with a callable queryset,
        would need the form built per request again; a test checks there is none).
        """
        forms_by_language = type(self).__dict__.get("_forms_by_language")
        if forms_by_language is None:
            forms_by_language = type(self)._forms_by_language = {}
        language = translation.get_language()
        if language not in forms_by_language:
            forms_by_language[language] = super().get_form_class()
        return forms_by_language[language]

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


class CasePagination(PageNumberPagination):
    """Pages of the queue; the unfiltered queue past ESTIMATE_FROM cases gives PostgreSQL's estimate as its count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    rows = None  # a view may set it: turns a page's slice of cases into the page's rows (QueuePaginator's rows)

    def django_paginator_class(self, queryset, page_size):
        return QueuePaginator(queryset, page_size, rows=self.rows)

    def get_page_size(self, request):
        """A page_size given but not a whole number from 1 up is a 400, not quietly the default."""
        given = request.query_params.get(self.page_size_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) > 0):
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

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


class CaseDetailApi(GenericAPIView):
    """Show one case, or change it."""

    @extend_schema_serializer(component_name="CaseChange")
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
        root_cause = serializers.SlugRelatedField(
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

    @extend_schema_serializer(component_name="CaseNote")
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
