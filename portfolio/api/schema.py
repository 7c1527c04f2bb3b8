"""The OpenAPI description of the accounts API's list bodies."""

from drf_spectacular.openapi import AutoSchema


class ListBodySchema(AutoSchema):
    """A POST whose body and answer are lists is not a "list view": no page, no filters, examples as written.

    drf-spectacular takes any operation with a list serializer for a GET list: it documents the
    answer as a page, the list's filters as the POST's parameters, and wraps each example in a list.
    """

    def _is_list_view(self, serializer=None) -> bool:
        return self.method == "GET" and super()._is_list_view(serializer)
