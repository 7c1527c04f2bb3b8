"""Customers, touchpoints, surveys and their responses: one module per concept, all of app `surveys`.

Import them from here (`from surveys.models import Response`); the modules are:
defaults (keys, tokens, locales), customers, surveys (touchpoints, surveys, their counts),
responses, questions (additional questions and their answers), contact (rules, invitations,
touchpoint events), rollups (score counts) and privacy (the erasure audit).
"""

from surveys.models.contact import INVITATION_CLAIM_TIMEOUT, ContactRule, Invitation, TouchpointEvent
from surveys.models.customers import Customer
from surveys.models.defaults import LOCALE_CHOICES, new_identity_secret, new_invitation_token, new_public_key
from surveys.models.privacy import Erasure
from surveys.models.questions import Answer, Question
from surveys.models.responses import Response
from surveys.models.rollups import SCORE_COLUMNS, ScoreChange, ScoreRollup
from surveys.models.surveys import Survey, SurveyStats, Touchpoint

__all__ = [
    "INVITATION_CLAIM_TIMEOUT",
    "LOCALE_CHOICES",
    "SCORE_COLUMNS",
    "Answer",
    "ContactRule",
    "Customer",
    "Erasure",
    "Invitation",
    "Question",
    "Response",
    "ScoreChange",
    "ScoreRollup",
    "Survey",
    "SurveyStats",
    "Touchpoint",
    "TouchpointEvent",
    "new_identity_secret",
    "new_invitation_token",
    "new_public_key",
]
