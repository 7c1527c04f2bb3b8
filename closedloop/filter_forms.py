"""A FilterSet's form class built once per language instead of once per request: a speed helper for the case list API.

django-filter builds the form class of a FilterSet anew for every instance, that is for every
request: one form field per filter, each label fixed in the language active then. Its
equivalence with django-filter's own form is tested in tests/closedloop/test_filter_forms.py.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django_filters.filters import QuerySetRequestMixin


class FormClassPerLanguage:
    """A FilterSet mixin: the form class is built the first time a language needs it, then reused.

    Only for filter sets whose fields do not depend on the request: a filter with a queryset
    (a ModelChoiceFilter, whose queryset may be a callable of the request) is refused.
    """

    def get_form_class(self):
        cls = type(self)
        forms_by_language = cls.__dict__.get("_forms_by_language")
        if forms_by_language is None:
            request_bound = [name for name, f in cls.base_filters.items() if isinstance(f, QuerySetRequestMixin)]
            if request_bound:
                raise ImproperlyConfigured(f"{cls.__name__}: {request_bound} may depend on the request.")
            forms_by_language = cls._forms_by_language = {}
        language = translation.get_language()
        if language not in forms_by_language:
            forms_by_language[language] = super().get_form_class()
        return forms_by_language[language]
