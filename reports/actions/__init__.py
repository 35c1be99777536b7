"""Every write to a report, one module per domain (submission, handling, photos, moderation...).

Import the functions from their module: ``from reports.actions.handling import report_accept``.
"""
