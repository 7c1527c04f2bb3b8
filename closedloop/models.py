"""Cases, advocates and referrals arrive with the closed-loop work."""
