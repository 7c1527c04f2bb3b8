"""The closed loop's tables: cases (`cases`), advocates (`advocates`) and what leads configure (`config`).

Import them from here (`from closedloop.models import Case`); the modules are how they are kept apart.
"""

from closedloop.models.advocates import Advocate, AdvocateExport, AdvocateOptOut, Referral
from closedloop.models.cases import Case, CaseActivity, CaseTrigger
from closedloop.models.config import (
    AccountRiskRule,
    CaseRule,
    NoteTemplate,
    Priority,
    RootCause,
    SlaPolicy,
    Team,
    TeamTouchpoint,
)

__all__ = [
    "AccountRiskRule",
    "Advocate",
    "AdvocateExport",
    "AdvocateOptOut",
    "Case",
    "CaseActivity",
    "CaseRule",
    "CaseTrigger",
    "NoteTemplate",
    "Priority",
    "Referral",
    "RootCause",
    "SlaPolicy",
    "Team",
    "TeamTouchpoint",
]
