import pytest

from tests.webhooks.receivers import Receiver


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()
