"""The any_of lookup: one array parameter on PostgreSQL, IN elsewhere, the same rows either way; prepared statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Customer, Invitation, Response
from surveys.services.responses import CustomerIdentity, response_submit
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory


def _check_any_of():
    wang, lee, _other = CustomerFactory(external_id="王小明"), CustomerFactory(external_id="lee"), CustomerFactory()
    found = Customer.objects.filter(external_id__any_of=["王小明", "lee", "nobody"])
    assert set(found) == {wang, lee}
    assert list(Customer.objects.filter(external_id__any_of=[])) == []
    invitation = InvitationFactory(customer=wang)
    assert list(Invitation.objects.filter(customer_id__any_of={wang.id})) == [invitation]
    assert list(Invitation.objects.filter(customer__any_of=[lee.id])) == []
    # the same statement text whatever the number of values
    with CaptureQueriesContext(connection) as captured:
        list(Customer.objects.filter(external_id__any_of=["a"]))
        list(Customer.objects.filter(external_id__any_of=[str(i) for i in range(300)]))
    first, second = (query["sql"] for query in captured.captured_queries)
    if connection.vendor == "postgresql":
        assert "= ANY(" in first
        assert len(second) < len(first) + 3000  # the values travel as one array, not 300 placeholders
        assert " IN (" not in second


@pytest.mark.django_db
def test_any_of_finds_the_same_rows_as_in():
    _check_any_of()


@pytest.mark.postgres
@pytest.mark.django_db
def test_any_of_sends_one_array_on_postgresql():
    assert connection.vendor == "postgresql"
    _check_any_of()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_answer_statement_is_prepared_once_it_has_run_a_few_times():
    survey = SurveyFactory(kind="nps")
    for n in range(6):  # psycopg prepares a statement on its fifth run on a connection
        identity = CustomerIdentity(external_id=f"客户-{n % 2}", email="wang@example.cn")
        comment = "退款太慢了 😡 refund took weeks"
        response_submit(survey_key=survey.public_key, score=n, comment=comment, customer=identity)
        response_submit(survey_key=survey.public_key, score=9)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["WITH %answer AS%"])
        assert cursor.fetchone()[0] == 2
    assert Response.objects.filter(survey=survey).count() == 12
