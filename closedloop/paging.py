"""Paging the case queue without counting every case for every page."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from closedloop import selectors

ESTIMATE_FROM = 10_000


class QueuePaginator(Paginator):
    """Counts exactly, except the whole queue past ESTIMATE_FROM cases, where it takes PostgreSQL's estimate.

    Counting 100,000 cases took 20 ms, several times what reading the page's rows takes, on every
    page of the busiest screen. A filtered or searched queue is counted exactly. `estimated` says
    which it was, so that the page can say "about".
    """

    estimated = False

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.has_filters():
            estimate = selectors.case_count_estimate()
            if estimate is not None and estimate >= ESTIMATE_FROM:
                self.estimated = True
                return estimate
        return super().count
