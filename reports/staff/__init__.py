"""Reads and forms of the staff dashboard: queues, keyset pages, CSV export, action forms."""
