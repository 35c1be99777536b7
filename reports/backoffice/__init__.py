"""Outbound Open311: reports dispatched to an agency that runs its own case-management system
are sent there, and that system's updates come back into the report's timeline."""
