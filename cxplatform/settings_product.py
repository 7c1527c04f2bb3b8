"""The product's own settings (CX_*), each an environment variable with a default; cxplatform.settings reads them."""

import dataclasses
from decimal import Decimal

import environ
from babel.numbers import is_currency
from django.core.exceptions import ImproperlyConfigured

from accounts.stages import parse_stage_days

env = environ.Env()

# Serve /demo/widget/, a page embedding the widget for the demo survey (make run turns it on).
CX_DEMO_PAGES = env.bool("CX_DEMO_PAGES", default=False)
# Where respondents reach this platform: links in emails are built from it.
CX_PUBLIC_BASE_URL = env.str("CX_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Advocates: where a referral link /r/<code> leads.
CX_REFERRAL_LANDING_URL = env.str("CX_REFERRAL_LANDING_URL", default=CX_PUBLIC_BASE_URL + "/")
# What one converted referral costs in rewards (for referral ROI); 0 leaves ROI out.
try:
    CX_REFERRAL_REWARD_COST = Decimal(env.str("CX_REFERRAL_REWARD_COST", default="0"))
    _reward_ok = CX_REFERRAL_REWARD_COST.is_finite() and 0 <= CX_REFERRAL_REWARD_COST < 10**12
    _reward_ok = _reward_ok and CX_REFERRAL_REWARD_COST.quantize(Decimal("0.01")) == CX_REFERRAL_REWARD_COST
except ArithmeticError:
    _reward_ok = False
if not _reward_ok:
    raise ImproperlyConfigured("CX_REFERRAL_REWARD_COST must be an amount such as 25 or 25.50 (0 or more).")

# The currency of amounts the platform shows (referral revenue, reward cost): an ISO 4217 code, shown with its
# symbol or code as each language writes it (CN¥14,779.00 in English, ¥14,779.00 in simplified Chinese).
CX_CURRENCY = env.str("CX_CURRENCY", default="CNY").strip().upper()
if not is_currency(CX_CURRENCY):
    raise ImproperlyConfigured(
        f"CX_CURRENCY must be an ISO 4217 currency code such as CNY, USD or EUR, not {CX_CURRENCY!r}."
    )

# Accounts: the experience signals (NPS, CSAT, CES, promoters, negative comments) of an account's health are read
# over this many days of its people's answers; the health refresh runs daily at this hour (local time).
CX_EXPERIENCE_DAYS = env.int("CX_EXPERIENCE_DAYS", default=90)
CX_HEALTH_REFRESH_HOUR = env.int("CX_HEALTH_REFRESH_HOUR", default=5)
if not 1 <= CX_EXPERIENCE_DAYS <= 3650:
    raise ImproperlyConfigured(f"CX_EXPERIENCE_DAYS must be from 1 to 3650 days, not {CX_EXPERIENCE_DAYS}.")
if not 0 <= CX_HEALTH_REFRESH_HOUR <= 23:
    raise ImproperlyConfigured(f"CX_HEALTH_REFRESH_HOUR must be an hour from 0 to 23, not {CX_HEALTH_REFRESH_HOUR}.")

# Churn log: a renewal date passed by more than this many days without a new one proposes a churn record.
CX_CHURN_RENEWAL_GRACE_DAYS = env.int("CX_CHURN_RENEWAL_GRACE_DAYS", default=14)
if not 0 <= CX_CHURN_RENEWAL_GRACE_DAYS <= 365:
    raise ImproperlyConfigured(
        f"CX_CHURN_RENEWAL_GRACE_DAYS must be from 0 to 365 days, not {CX_CHURN_RENEWAL_GRACE_DAYS}."
    )

# Comments (answers, feedback items, cases, advocates) older than this many days are emptied hourly; 0 keeps them.
CX_COMMENT_RETENTION_DAYS = env.int("CX_COMMENT_RETENTION_DAYS", default=0)
if CX_COMMENT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("CX_COMMENT_RETENTION_DAYS must be 0 (keep comments) or a number of days.")
# Insights: a score from fewer answers than this is labelled a small sample, and its changes never significant.
CX_METRICS_MIN_SAMPLE = env.int("CX_METRICS_MIN_SAMPLE", default=30)
if CX_METRICS_MIN_SAMPLE < 1:
    raise ImproperlyConfigured("CX_METRICS_MIN_SAMPLE must be 1 or more.")
# Accounts without a lifecycle stage of their own get one from their contract dates (accounts/stages.py):
# renewal within `renewal` days of the renewal date, onboarding for the first `onboarding` days of the
# contract, expansion from `expansion` days into it, adoption otherwise.
try:
    CX_STAGE_DAYS = dataclasses.asdict(
        parse_stage_days(env.str("CX_STAGE_DAYS", default="onboarding=90,renewal=90,expansion=365"))
    )
except ValueError as error:
    raise ImproperlyConfigured(f"CX_STAGE_DAYS: {error}") from error
# Seconds a web process keeps a survey or touchpoint lookup before reading it again.
CX_LOOKUP_CACHE_SECONDS = env.float("CX_LOOKUP_CACHE_SECONDS", default=10.0)
# Largest JSON body the public response endpoint reads (a 5,000-character comment fits).
CX_PUBLIC_MAX_BODY_BYTES = env.int("CX_PUBLIC_MAX_BODY_BYTES", default=64 * 1024)

# --- Webhooks and chat alerts (webhooks/) ------------------------------------------------------
# Private, loopback and link-local destinations are refused (SSRF) unless this allows them: `make run`
# and the tests set it, for receivers on this machine; leave it off in production.
CX_WEBHOOKS_ALLOW_PRIVATE = env.bool("CX_WEBHOOKS_ALLOW_PRIVATE", default=False)
CX_WEBHOOKS_TIMEOUT_SECONDS = env.float("CX_WEBHOOKS_TIMEOUT_SECONDS", default=10.0)  # a 2xx within this succeeds
CX_WEBHOOKS_CONCURRENCY = env.int("CX_WEBHOOKS_CONCURRENCY", default=8)  # POSTs in flight per pump run
CX_WEBHOOKS_BATCH = env.int("CX_WEBHOOKS_BATCH", default=200)  # deliveries a run claims at once
CX_WEBHOOKS_PUMP_SECONDS = env.float("CX_WEBHOOKS_PUMP_SECONDS", default=60.0)  # then the run hands over to a new one
CX_WEBHOOKS_KICK_SECONDS = env.float("CX_WEBHOOKS_KICK_SECONDS", default=1.0)  # at most one pump message per window
CX_WEBHOOKS_SWEEP_SECONDS = env.float("CX_WEBHOOKS_SWEEP_SECONDS", default=15.0)  # beat sends the pump this often
CX_WEBHOOKS_KEEP_DAYS = env.int("CX_WEBHOOKS_KEEP_DAYS", default=30)  # settled events older than this are deleted
# A claimed batch is its run's for this long (longer than a batch can take); then another run may send it again.
CX_WEBHOOKS_LEASE_SECONDS = env.float("CX_WEBHOOKS_LEASE_SECONDS", default=300.0)
# A factor on the retry backoff's waits (30 s, 2 min, 8 min, ...): 1 in production; tests and benchmarks shorten it.
CX_WEBHOOKS_RETRY_SCALE = env.float("CX_WEBHOOKS_RETRY_SCALE", default=1.0)
# Chat alerts (docs/chat-alerts.md): a robot answers within this many seconds or the attempt is retried;
# the daily digest goes out at the first hourly check from this hour on (TIME_ZONE), once a day per channel.
CX_CHAT_TIMEOUT_SECONDS = env.float("CX_CHAT_TIMEOUT_SECONDS", default=10.0)
CX_CHAT_DIGEST_HOUR = env.int("CX_CHAT_DIGEST_HOUR", default=9)
if not 0 <= CX_CHAT_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("CX_CHAT_DIGEST_HOUR must be an hour from 0 to 23.")
