"""insights.request_counting: requests per group, customers and accounts once each, MRR once per account. Pure."""

from decimal import Decimal

from insights.request_counting import Ask, Tally, request_table, tally

MRR = {"acme": Decimal("1000.00"), "globex": Decimal("500.00"), "initech": None}


def test_a_customer_and_an_account_count_once_and_the_mrr_once_per_account():
    asks = [
        Ask(id=1, customer_id=1, account="acme", groups=("theme:export",)),
        Ask(id=2, customer_id=1, account="acme", groups=("theme:export",)),  # the same customer again
        Ask(id=3, customer_id=2, account="acme", groups=("theme:export",)),  # a colleague of the same account
        Ask(id=4, customer_id=3, account="globex", groups=("theme:export",)),
    ]
    assert tally(asks, MRR) == Tally(requests=4, customers=3, accounts=2, mrr=Decimal("1500.00"))


def test_anonymous_requests_count_one_customer_each_and_unknown_accounts_add_no_mrr():
    asks = [
        Ask(id=1, customer_id=None, account="", groups=("other",)),
        Ask(id=2, customer_id=None, account="", groups=("other",)),
        Ask(id=3, customer_id=9, account="initech", groups=("other",)),  # MRR not known
        Ask(id=4, customer_id=8, account="umbrella", groups=("other",)),  # no such account
    ]
    assert tally(asks, MRR) == Tally(requests=4, customers=4, accounts=2, mrr=Decimal(0))


def test_groups_sort_by_customers_then_mrr_and_a_request_counts_in_each_of_its_groups():
    asks = [
        Ask(id=1, customer_id=1, account="globex", groups=("keyword:api", "theme:export")),
        Ask(id=2, customer_id=2, account="acme", groups=("theme:export", "theme:export")),
        Ask(id=3, customer_id=3, account="acme", groups=("keyword:sso",)),
        Ask(id=4, customer_id=4, account="acme", groups=("keyword:api",)),
    ]
    rows = request_table(asks, MRR)
    assert [(row.key, row.tally.customers, row.tally.mrr) for row in rows] == [
        ("keyword:api", 2, Decimal("1500.00")),
        ("theme:export", 2, Decimal("1500.00")),
        ("keyword:sso", 1, Decimal("1000.00")),
    ]
    assert rows[1].request_ids == (1, 2)  # in the order given, each once
    assert request_table([], MRR) == []


def test_more_mrr_ranks_first_among_as_many_customers():
    asks = [
        Ask(id=1, customer_id=1, account="globex", groups=("keyword:a",)),
        Ask(id=2, customer_id=2, account="acme", groups=("keyword:b",)),
    ]
    assert [row.key for row in request_table(asks, MRR)] == ["keyword:b", "keyword:a"]
