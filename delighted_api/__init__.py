"""A Delighted-compatible API under /delighted/v1/: Delighted's former clients switch by changing one base URL."""
