"""Read-only JSON API (open data): consultations, approved responses and published summaries."""
