from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.forms import (
    EmailAuthenticationForm,
    OutboxPasswordResetForm,
    PasswordConfirmForm,
    SignUpForm,
)
from accounts.models import User
from accounts.tokens import email_verification_token

MY_REPORTS_PER_PAGE = 20
# Signing in after another proof than the sign-in form (a confirmation or reset link) names the
# backend: the first one configured is django-axes', which only refuses, never signs anyone in.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:my_reports")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.user_sign_up(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                preferred_language=data["preferred_language"],
            )
        except actions.EmailTaken:
            # Same page as for a new account, so the form does not reveal who has one.
            existing = User.objects.filter(email__iexact=data["email"]).first()
            if existing is not None:
                actions.account_exists_notify(user=existing)
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(request, "accounts/signup_done.html")


def verify_email(request, uidb64, token):
    """Confirm an address from the emailed link, by its owner.

    Whoever opens the link must also be signed in to that account or give its password, so a
    link mailed for an account someone else opened in your name cannot hand them your reports.
    """
    user = _user_from_uid(uidb64)
    if user is None or not email_verification_token.check_token(user, token):
        if user is not None and user.email_verified:
            messages.info(request, _("Your email address is already confirmed."))
            return redirect("accounts:my_reports" if request.user == user else "accounts:login")
        return render(request, "accounts/verify_invalid.html", status=400)
    if request.user.is_authenticated and request.user.pk == user.pk:
        return _verified(request, user)
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        auth_login(request, user, backend=MODEL_BACKEND)
        return _verified(request, user)
    return render(request, "accounts/verify_confirm.html", {"form": form, "email": user.email})


def _verified(request, user):
    joined = actions.user_verify_email(user=user)
    messages.success(request, _("Thank you: your email address is confirmed."))
    if joined:
        messages.info(
            request,
            _("Reports you sent as a guest with this address are now in your account."),
        )
    return redirect("accounts:my_reports")


def _user_from_uid(uidb64):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, UnicodeDecodeError):
        return None
    if not pk.isdigit() or len(pk) > 18:  # beyond a bigint: a forged link
        return None
    return User.objects.filter(pk=int(pk), is_active=True).first()


@login_required
@require_POST
def verify_resend(request):
    if request.user.email_verified:
        messages.info(request, _("Your email address is already confirmed."))
    else:
        actions.verification_email_queue(user=request.user)
        messages.success(
            request,
            _("We sent the confirmation link to %(email)s. It may take a few minutes to arrive.")
            % {"email": request.user.email},
        )
    return redirect("accounts:my_reports")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Signing in keeps the language the person is reading in; the account remembers it
        # for its emails and for the next sign-in on another device.
        actions.user_language_remember(user=form.get_user(), language=get_language())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:my_reports")
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND

    def form_valid(self, form):
        response = super().form_valid(form)
        # The reset link reached the mailbox, and its owner chose the password: confirmed.
        actions.user_verify_email(user=form.user)
        messages.success(self.request, _("Your new password is set. You are signed in."))
        return response
