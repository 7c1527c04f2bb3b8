"""Feedback: what customers told us and what it means (text analysis, themes, drivers)."""
