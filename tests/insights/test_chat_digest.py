"""The chat digest: its figures from real answers and cases, queued once a day from the digest hour, in zh-Hans."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from closedloop.models import Case
from insights.chat_digest import chat_digest_run, digest_figures
from surveys.services import response_submit
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import SurveyFactory
from tests.webhooks.chat_receivers import ChatReceiver
from webhooks.models import ChatChannel, ChatMessage
from webhooks.services.delivery import webhooks_pump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.TIME_ZONE = "UTC"
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True
    settings.CX_PUBLIC_BASE_URL = "https://cx.example.com"
    settings.CX_METRICS_MIN_SAMPLE = 5


@pytest.fixture
def wecom():
    receiver = ChatReceiver("wecom").start()
    yield receiver
    receiver.stop()


def answer(survey, score: int, at: datetime) -> None:
    response_submit(survey_key=survey.public_key, score=score, submitted_at=at)


def test_the_digest_counts_real_answers_and_cases_and_reaches_the_robot_in_simplified_chinese(wecom):
    # given: this week NPS +40 (6 promoters, 2 passives, 2 detractors), the week before −10 (3, 3, 4),
    # two detractors in the last 24 hours, and two open cases past due (one resolved one is not counted)
    today = timezone.localdate()
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    now = midnight + timedelta(hours=23, minutes=30)  # the digest is read late today
    survey = SurveyFactory(kind="nps")
    noon = midnight + timedelta(hours=12)
    for i, score in enumerate([10] * 6 + [8] * 2 + [3] * 2):
        answer(survey, score, noon - timedelta(days=1 + i % 7))
    for i, score in enumerate([10] * 3 + [7] * 3 + [0] * 4):
        answer(survey, score, noon - timedelta(days=8 + i % 7))
    answer(survey, 2, midnight + timedelta(minutes=5))  # both today, already given
    answer(survey, 1, midnight)
    opened = Case.objects.filter(status__in=Case.OPEN_STATUSES, due_at__lte=now).count()  # cases the answers opened
    CaseFactory(due_at=midnight - timedelta(hours=2))
    CaseFactory(due_at=midnight - timedelta(days=3))
    CaseFactory(due_at=midnight - timedelta(days=3), status=Case.Status.RESOLVED, customer_id=None)
    ChatChannel.objects.create(
        name="客服群", platform="wecom", url=wecom.url, locale="zh-hans", rules=[ChatChannel.DIGEST]
    )
    ChatChannel.objects.create(name="Red accounts", platform="wecom", url=wecom.url, rules=[ChatChannel.ACCOUNT_RED])

    # when the figures are read
    figures = digest_figures(now=now)

    # then
    assert figures.new_detractors == 2
    assert figures.overdue_cases == opened + 2
    assert (figures.since, figures.until) == (today - timedelta(days=7), today - timedelta(days=1))
    assert figures.nps == pytest.approx(40.0)
    assert figures.nps_n == 10
    assert figures.nps_before == pytest.approx(-10.0)
    assert figures.nps_before_n == 10
    assert figures.change == pytest.approx(50.0)
    assert figures.nps_margin
    assert figures.nps_before_margin
    assert figures.change_margin == pytest.approx((figures.nps_margin**2 + figures.nps_before_margin**2) ** 0.5)
    assert figures.change_margin > figures.nps_margin

    # and when the digest is due and the pump runs, the digest channel alone gets it, in Simplified Chinese
    assert chat_digest_run(now=now) == 1
    webhooks_pump(seconds=10)
    (text,) = wecom.texts
    assert "贬损者" in text
    assert "已超时" in text
    assert f"已超时: {opened + 2}" in text
    assert "+40.0 ±" in text
    assert "-10.0 ±" in text
    assert "+50.0 ±" in text
    assert "https://cx.example.com/admin/" in text
    assert ChatMessage.objects.get().kind == ChatChannel.DIGEST


def test_the_digest_goes_once_a_day_from_the_digest_hour(settings):
    settings.CX_CHAT_DIGEST_HOUR = 9
    ChatChannel.objects.create(
        name="team", platform="slack", url="http://127.0.0.1:9/services/T/B/x", rules=[ChatChannel.DIGEST]
    )
    day = datetime(2026, 12, 7, tzinfo=UTC)

    assert chat_digest_run(now=day + timedelta(hours=8, minutes=59)) == 0
    assert chat_digest_run(now=day + timedelta(hours=9, minutes=30)) == 1
    assert chat_digest_run(now=day + timedelta(hours=10, minutes=30)) == 0
    assert chat_digest_run(now=day + timedelta(days=1, hours=9)) == 1
    assert list(ChatMessage.objects.order_by("digest_day").values_list("digest_day", flat=True)) == [
        day.date(),
        day.date() + timedelta(days=1),
    ]


def test_no_digest_channel_reads_no_figures(django_assert_max_num_queries):
    ChatChannel.objects.create(
        name="team", platform="slack", url="http://127.0.0.1:9/services/T/B/x", rules=[ChatChannel.CASE_P1]
    )
    with django_assert_max_num_queries(2):
        assert chat_digest_run(now=datetime(2026, 12, 7, 12, tzinfo=UTC)) == 0
