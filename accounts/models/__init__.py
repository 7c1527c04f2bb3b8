from accounts.models.accounts import Account, AccountSignal, Band, Stage
from accounts.models.health import HealthSnapshot, Scorecard, ScorecardMeasure

__all__ = ["Account", "AccountSignal", "Band", "HealthSnapshot", "Scorecard", "ScorecardMeasure", "Stage"]
