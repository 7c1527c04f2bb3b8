"""Closed loop: follow-up cases for unhappy customers, advocates among happy ones."""
