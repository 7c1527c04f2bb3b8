"""Recomputing accounts' health and temperature."""

from collections.abc import Iterable


def accounts_refresh(account_ids: Iterable[int]) -> None:
    """Filled in by the health refresh."""
