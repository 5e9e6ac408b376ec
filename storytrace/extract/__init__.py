"""Extraction: canonical entities, quotes with resolved speakers, and numeric claims from article text."""
