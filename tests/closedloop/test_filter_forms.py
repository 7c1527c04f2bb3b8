"""The case filter's form, built once per language, is django-filter's own form for the same input."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone, translation
from django_filters import rest_framework as filters

from closedloop.api.filters import CaseFilter
from closedloop.filter_forms import FormClassPerLanguage
from closedloop.models import Case, RootCause

pytestmark = pytest.mark.django_db
User = get_user_model()

QUERIES = [
    "",
    "status=new&status=assigned&priority=1&priority=3",
    "sla=overdue&sla=at_risk&overdue=true&mine=0",
    "owner=7&touchpoint=billing&root_cause=data-sync&language=zh&customer=acme-7&q=退款",
    "since=2026-01-01T00:00:00Z&until=2026-02-01T08:00:00%2B08:00",
    "status=lost&priority=9&overdue=maybe&owner=abc&since=yesterday&q=" + "x" * 201,
    "owner=0&mine=&language=" + "e" * 9,
]


class PlainCaseFilter(CaseFilter):
    """The same filters with django-filter's own form class, built for every instance."""

    def get_form_class(self):
        return filters.FilterSet.get_form_class(self)


def described(form) -> dict:
    """What a form is and makes of its input, as text (labels in the active language)."""
    fields = {
        name: (
            type(field).__name__,
            type(field.widget).__name__,
            str(field.label),
            str(field.help_text),
            field.required,
            [(value, str(label)) for value, label in getattr(field, "choices", [])],
        )
        for name, field in form.fields.items()
    }
    valid = form.is_valid()
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    return {"fields": fields, "valid": valid, "errors": errors, "cleaned": form.cleaned_data}


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_form_and_the_filtered_cases_are_django_filters_own(language, query):
    request = RequestFactory().get("/api/v1/cases/")
    request.user = User.objects.create_user("li", is_staff=True)
    RootCause.objects.get(key="data-sync")
    data = QueryDict(query)

    with translation.override(language), mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        fast = CaseFilter(data=data, queryset=Case.objects.all(), request=request)
        plain = PlainCaseFilter(data=data, queryset=Case.objects.all(), request=request)
        assert described(fast.form) == described(plain.form)
        if fast.is_valid():
            assert str(fast.qs.query) == str(plain.qs.query)


def test_the_form_is_built_once_per_language_and_speaks_it():
    def form_class(language: str):
        with translation.override(language):
            return CaseFilter(data={}, queryset=Case.objects.none()).form.__class__

    assert form_class("en") is form_class("en")
    assert form_class("zh-hans") is form_class("zh-hans") is not form_class("en")
    with translation.override("zh-hans"):
        chinese = str(form_class("zh-hans").base_fields["since"].label)
    assert chinese != str(form_class("en").base_fields["since"].label)


def test_a_filter_whose_form_may_depend_on_the_request_is_refused():
    class ByRootCause(FormClassPerLanguage, filters.FilterSet):
        cause = filters.ModelChoiceFilter(queryset=lambda request: RootCause.objects.all())

        class Meta:
            model = Case
            fields = ()

    with pytest.raises(ImproperlyConfigured):
        ByRootCause(data={}, queryset=Case.objects.none()).form  # noqa: B018
