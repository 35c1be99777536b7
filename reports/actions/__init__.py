"""Every write to reports, one module per domain idea (photos, submission, workflow...)."""
