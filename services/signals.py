"""What the catalogue announces, for the apps above it to act on (services imports none of them)."""

from django.dispatch import Signal

# Sent after commit when working time changed (a calendar day, office hours), with
# ``acting_user``: who changed it. Reports recomputes the deadlines of open reports.
calendar_changed = Signal()
