import re

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.actions import password_reset_email_queue
from accounts.lockout import LOCKED_OUT_MESSAGE, sign_in_blocked
from accounts.models import User
from camau_portal.notifications.forms import PhoneNumberField

# An account keeps its number as digits only, the separators people type dropped.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_phone(value: str) -> str:
    return _PHONE_SEPARATORS.sub("", value or "")


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a link to this address to confirm it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneNumberField(label=_("Phone (optional)"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language for emails"), choices=settings.LANGUAGES
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if language in dict(settings.LANGUAGES):
            self.fields["preferred_language"].initial = language

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError(_("The two passwords differ."), code="password_mismatch"),
            )
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LockoutAwareAuthenticationForm(AuthenticationForm):
    """Says that sign-in is blocked, rather than "wrong password", while django-axes refuses it."""

    def get_invalid_login_error(self):
        if sign_in_blocked(self.request):
            return forms.ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")
        return super().get_invalid_login_error()


class AdminLoginForm(LockoutAwareAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in form, with the lockout message."""


class EmailAuthenticationForm(LockoutAwareAuthenticationForm):
    """Sign in with an email address, whatever its capitals."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _("The email address or the password is not right."),
        }

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()


class PasswordConfirmForm(forms.Form):
    """Proves that whoever opened a confirmation link also knows the account's password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not (self.user.is_active and self.user.check_password(password)):
            raise forms.ValidationError(_("This password is not right."), code="invalid_password")
        return password


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the outbox, never straight to SMTP."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        password_reset_email_queue(user=context["user"])
