"""The kernel's switch between PostgreSQL's fast paths and the portable ones, and the any_of lookup on both."""

import threading

import pytest

from common.sql import portable_paths, postgresql_paths
from surveys.models import Customer
from tests.sql_paths import same_on_each_path
from tests.surveys.factories import CustomerFactory


def test_the_portable_paths_hold_in_their_block_and_thread_only():
    seen = []
    with portable_paths():
        assert not postgresql_paths()
        thread = threading.Thread(target=lambda: seen.append(postgresql_paths()))
        thread.start()
        thread.join()
        with portable_paths():
            assert not postgresql_paths()
        assert not postgresql_paths()
    from django.db import connection

    assert postgresql_paths() == (connection.vendor == "postgresql")
    assert seen == [connection.vendor == "postgresql"]


@pytest.mark.django_db
def test_any_of_finds_the_same_rows_on_both_paths():
    for external_id in ("王小明", "lee", "o'brien", "other"):
        CustomerFactory(external_id=external_id)

    def found():
        by_text = Customer.objects.filter(external_id__any_of=["王小明", "lee", "o'brien", "nobody"])
        ids = list(Customer.objects.filter(external_id__in=["lee", "other"]).values_list("id", flat=True))
        return (
            sorted(by_text.values_list("external_id", flat=True)),
            sorted(Customer.objects.filter(id__any_of=ids).values_list("external_id", flat=True)),
            list(Customer.objects.filter(external_id__any_of=[])),
        )

    assert same_on_each_path(found) == (["lee", "o'brien", "王小明"], ["lee", "other"], [])
