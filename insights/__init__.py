"""Reporting on top of the other apps: score series, breakdowns, drivers, loop and advocacy figures, the dashboard.

It reads surveys, feedback and the closed loop, and nothing imports it (import-linter checks it).
"""
