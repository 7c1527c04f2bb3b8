"""Surveys: what we ask, whom, where and when; the responses that come back."""
