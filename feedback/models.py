"""Feedback items and their analysis arrive with the text-analysis work."""
