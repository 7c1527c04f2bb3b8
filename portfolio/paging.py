"""Paging the portfolio: in its default order, a page is read band by band off the portfolio index."""

from django.core.paginator import Paginator

from portfolio import selectors


class PortfolioPaginator(Paginator):
    """Paginator.page, reading a portfolio in its default order with selectors.portfolio_slice."""

    def page(self, number):
        if not selectors.in_portfolio_order(self.object_list):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(selectors.portfolio_slice(self.object_list, bottom, top), number, self)
