"""What accounts announces, for the apps above it to act on (accounts imports none of them)."""

from django.dispatch import Signal

# Sent, inside the confirming transaction, when the owner of ``user``'s address has proved it
# (the emailed link with the password, or a password reset). Receivers attach what was made
# as a guest with that address, and return how many reports they attached.
email_confirmed = Signal()
