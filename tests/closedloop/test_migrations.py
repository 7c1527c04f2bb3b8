"""Upgrading to stored confidences: cases opened before get the one the console derived, a corrected one certainty."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

BEFORE_CONFIDENCES = [("closedloop", "0018_case_account_index")]


def _migrate(targets=None):
    """Migrate to `targets` (default: every app's latest); return the models as they then stand."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    loader = MigrationLoader(connection)
    return loader.project_state([key for key in loader.applied_migrations if key in loader.graph.nodes]).apps


@pytest.fixture
def before_confidences(transactional_db):
    try:
        yield _migrate(BEFORE_CONFIDENCES)
    finally:
        _migrate()


def test_earlier_cases_get_the_confidence_derived_from_their_polarity_and_corrected_ones_certainty(before_confidences):
    Case = before_confidences.get_model("closedloop", "Case")
    now = timezone.now()
    common = {
        "survey_kind": "nps",
        "given_at": now,
        "opened_at": now,
        "due_at": now,
        "reason": "detractor",
        "priority": 3,
    }
    cases = ((-0.74, False, "neg"), (0.2, True, "pos"), (None, False, ""), (-0.2, False, "neu"))
    for n, (polarity, corrected, label) in enumerate(cases):
        Case.objects.create(
            source="response",
            source_id=n + 1,
            polarity=polarity,
            sentiment=label,
            sentiment_corrected=corrected,
            **common,
        )

    apps = _migrate()

    confidences = dict(apps.get_model("closedloop", "Case").objects.values_list("source_id", "confidence"))
    assert confidences[1] == pytest.approx(0.87)
    assert confidences[2] == 1.0
    assert confidences[3] is None
    assert confidences[4] is None  # neutral: its derived figure was the lean's, not the label's
