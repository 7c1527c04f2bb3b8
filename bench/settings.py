"""Settings for bench/ingest.py: the platform's own, plus the baseline view's URL."""

from cxplatform.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ingest_app"
