"""Reading surveys for reports (surveys.selectors): response rates."""

import pytest
from django.utils import timezone

from surveys.models import Invitation
from surveys.selectors import invitation_response_rates
from tests.surveys.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_response_rate_counts_only_invitations_that_reached_the_customer():
    survey = SurveyFactory(name="Rate")
    now = timezone.now()
    InvitationFactory(survey=survey, status=Invitation.Status.EXPIRED)  # never sent
    InvitationFactory(survey=survey, status=Invitation.Status.SENT, sent_at=now)
    InvitationFactory(survey=survey, status=Invitation.Status.ANSWERED, sent_at=now, answered_at=now)
    (row,) = invitation_response_rates()
    assert (row.sent, row.answered, row.rate) == (2, 1, 50.0)
