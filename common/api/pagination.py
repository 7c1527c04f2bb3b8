"""Pages of a list: a page or page_size that is not a whole number is a 400 naming it, not quietly the default."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) > 0):
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        given = request.query_params.get(self.page_query_param)
        if given is not None and given not in self.last_page_strings and not (given.isascii() and given.isdigit()):
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1 up, or 'last'."]})
        return super().get_page_number(request, paginator)
