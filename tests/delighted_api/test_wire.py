"""delighted.wire: Delighted's conventions, without a database."""

from datetime import UTC, datetime

import pytest

from delighted_api import wire


def test_person_identifiers_are_an_id_or_an_email():
    assert wire.person_ref("42") == wire.PersonRef(id=42)
    assert wire.person_ref("email:ann@example.com") == wire.PersonRef(email="ann@example.com")
    with pytest.raises(ValueError, match="SMS"):
        wire.person_ref("phone_number:+15555550100")
    with pytest.raises(ValueError, match="by id"):
        wire.person_ref("ann@example.com")
    with pytest.raises(ValueError, match="this long"):
        wire.person_ref("9" * 19)


def test_properties_are_flat_and_short_and_their_locale_is_one_we_speak():
    assert wire.properties_errors({"tier": "gold", "seats": 12, "trial": False, "note": None}) == []
    assert wire.properties_errors(["tier"]) == ["Must be an object of property names and values."]
    assert wire.properties_errors({"nested": {"a": 1}}) == [
        "Property 'nested' must be a string, number, true, false or null."
    ]
    assert wire.properties_errors({"long": "x" * 2001}) == ["Property 'long' is longer than 2000 characters."]
    assert wire.properties_errors({"nul": "a\x00b"}) == ["Property 'nul' contains a NUL character."]
    assert wire.properties_locale({"locale": "zh-TW"}) == "zh-hant"
    assert wire.properties_locale({"tier": "gold"}) is None
    with pytest.raises(ValueError, match="Unsupported locale 'fr'"):
        wire.properties_locale({"locale": "fr"})


def test_nps_metrics_are_whole_points_and_one_decimal_percentages():
    assert wire.nps_metrics(promoters=2, passives=1, detractors=0) == {
        "nps": 67,
        "promoter_count": 2,
        "promoter_percent": 66.7,
        "passive_count": 1,
        "passive_percent": 33.3,
        "detractor_count": 0,
        "detractor_percent": 0.0,
        "response_count": 3,
    }
    assert wire.nps_metrics(promoters=0, passives=0, detractors=0)["nps"] is None


def test_times_are_whole_unix_seconds():
    moment = datetime(2026, 6, 30, 12, 0, 30, 999, tzinfo=UTC)
    assert wire.unix(moment) == 1782820830
    assert wire.from_unix(1782820830) == moment.replace(microsecond=0)
    assert wire.unix(None) is None


def test_properties_that_json_columns_cannot_hold_are_refused():
    assert wire.properties_errors({"x": float("inf")}) == ["Property 'x' must be a finite number."]
    assert wire.properties_errors({"x": "a\ud800"}) == ["A property contains an unpaired surrogate character."]
    with pytest.raises(ValueError, match="NUL"):
        wire.person_ref("email:a\x00b@example.com")
