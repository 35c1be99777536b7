"""Signed, expiring, single-use links for confirming an email address.

Same scheme as Django's password reset links (``PASSWORD_RESET_TIMEOUT``), under another salt,
so a reset link cannot be used to verify and the other way round. The token covers the
password hash, the address and the verified flag: it stops working once the address is
confirmed, or when the password or the address changes.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.email}{user.email_verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
