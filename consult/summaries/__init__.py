"""Summaries of approved responses: statistics, themes, versions, documents, open data and the archive."""
