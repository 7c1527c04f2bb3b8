from accounts.models.accounts import Account, AccountSignal, Band, Stage
from accounts.models.churn import ChurnReason, ChurnRecord
from accounts.models.health import HealthSnapshot, Scorecard, ScorecardMeasure

__all__ = [
    "Account",
    "AccountSignal",
    "Band",
    "ChurnReason",
    "ChurnRecord",
    "HealthSnapshot",
    "Scorecard",
    "ScorecardMeasure",
    "Stage",
]
