import pytest


@pytest.fixture(autouse=True)
def _partitions_forgotten():
    """Each test starts not knowing which monthly partitions exist (a rolled-back test's are gone)."""
    from accounts.sql_signals import partition_cache_clear

    partition_cache_clear()
    yield
    partition_cache_clear()
