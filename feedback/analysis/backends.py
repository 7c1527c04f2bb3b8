"""The language backends, named in settings.CX_ANALYSIS_BACKENDS and imported on first use.

This follows django.contrib.auth.hashers: the setting maps a language code to a module path, the module is imported
once and cached, and the cache is dropped when a test overrides the setting. Only a backend module imports its NLP
library, so a process that never sees Chinese never loads jieba, and a replacement backend is one settings change.
"""

from collections.abc import Sequence
from functools import cache
from importlib import import_module
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class Backend(Protocol):
    """What a backend module provides (see english.py and chinese.py)."""

    def load(self) -> None:
        """Load models and dictionaries now, so that no later call pays for them."""

    def describe(self) -> str:
        """Return the model and library versions, for TextAnalysis.analyzer."""

    def neutral_band(self) -> float:
        """Return the |polarity| below which this backend's verdict counts as neutral."""

    def polarities(self, texts: Sequence[str]) -> np.ndarray:
        """Return one polarity (−1..1, sign = the model's verdict) per text, computed as one batch."""

    def keywords(self, text: str) -> list[tuple[str, float]]:
        """Return (keyword exactly as written in `text`, score) pairs, best first."""


def configured_languages() -> tuple[str, ...]:
    """Return the language codes that have a backend, in settings order."""
    return tuple(settings.CX_ANALYSIS_BACKENDS)


@cache
def backend(language: str) -> Backend:
    """Import (once) and return the backend module configured for a language code."""
    return import_module(settings.CX_ANALYSIS_BACKENDS[language])


@receiver(setting_changed)
def _forget_backends(*, setting: str, **kwargs) -> None:
    if setting == "CX_ANALYSIS_BACKENDS":
        backend.cache_clear()
        from feedback.analysis import analyzer_name  # here: the package imports this module

        analyzer_name.cache_clear()
