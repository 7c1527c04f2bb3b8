"""Paging the case queue without counting every case for every page."""

from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property

from closedloop import selectors

ESTIMATE_FROM = 10_000


class QueuePaginator(Paginator):
    """Counts exactly, except the whole queue past ESTIMATE_FROM cases, where it takes PostgreSQL's estimate.

    Counting 100,000 cases took 13–30 ms, several times what reading the page's rows takes, on
    every page of the busiest screen. A filtered or searched queue is counted exactly. `estimated`
    says which it was, so that the page can say "about". Near the end of the queue the estimate
    gives way to the exact count: on a page that comes back short, and on a page number past the
    estimate, so that no real row is ever out of reach and no last page is empty.
    """

    estimated = False

    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        """`rows`, if given, turns a page's slice of the queryset into the page's rows (`.values()`, say).

        The count then reads the queryset itself: counting a `.values()` queryset keeps the joins
        its columns need, and PostgreSQL read every matching row (20 ms for 20,000 cases) where
        an index alone would do (3 ms).
        """
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows

    def _get_page(self, object_list, number, paginator):
        if self.rows is not None:
            object_list = self.rows(object_list)
        return super()._get_page(object_list, number, paginator)

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.has_filters():
            estimate = selectors.case_count_estimate()
            if estimate is not None and estimate >= ESTIMATE_FROM:
                self.estimated = True
                return estimate
        return super().count

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.estimated:
                raise
            self._count_exactly()
            return super().validate_number(number)

    def page(self, number):
        page = self._page(number)
        if self.estimated and len(page.object_list) < self.per_page:  # the end is on this page: count it
            self._count_exactly()
            page = self._page(number)
        return page

    def _page(self, number):
        """Paginator.page; a queue in its default order is read tier by tier (selectors.queue_slice)."""
        now = selectors.queue_ordered_at(self.object_list) if self.rows is None else None
        if now is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(selectors.queue_slice(self.object_list, now, bottom, top), number, self)

    def _count_exactly(self) -> None:
        self.__dict__.pop("num_pages", None)
        self.__dict__["count"] = Paginator.count.func(self)
        self.estimated = False
