"""The closed loop's REST API: the cases staff work (token or session, CX roles only)."""
