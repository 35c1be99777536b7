from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # This module holds two configurations; this one is the app's own.
    default = True
    name = "accounts"
    verbose_name = _("Accounts")


class SignInLockoutsConfig(AxesConfig):
    """django-axes under a name administrators understand in the admin's menu."""

    verbose_name = _("Sign-in lockouts")
