"""The shared kernel every app may use: API fields and errors, permissions, admin bases, locales, the customer snapshot.

It imports no app of the project (import-linter checks it), so that each piece exists once.
"""
