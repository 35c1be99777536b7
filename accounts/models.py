from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen or a staff member; both sign in with their email address."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    email_verified = models.BooleanField(_("email verified"), default=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the staff dashboard and, with permissions, the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[-1] if self.full_name else self.email


class StaffMembership(models.Model):
    """A staff member's role in one agency. Leaders hold a province-wide role with no agency;
    a community helper belongs to a commune's digital team, not to an agency."""

    class Role(models.TextChoices):
        INTAKE_OFFICER = "intake_officer", _("Intake officer")
        AGENCY_OFFICER = "agency_officer", _("Agency officer")
        AGENCY_MANAGER = "agency_manager", _("Agency manager")
        LEADER = "leader", _("Provincial leader")
        # The intake centre's telephone and Zalo desk: enters reports for residents.
        HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
        # A member of a hamlet's community digital team: enters reports for the residents of
        # one commune and follows them, never handles them.
        COMMUNITY_HELPER = "community_helper", _("Community helper")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    commune = models.ForeignKey(
        "services.Commune",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="helper_memberships",
        help_text=_("The commune a community helper works in; empty for every other role."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            ),
            models.UniqueConstraint(
                fields=["user", "commune", "role"],
                condition=models.Q(commune__isnull=False),
                name="membership_unique_commune_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["leader", "community_helper"])
                | models.Q(department__isnull=False),
                name="membership_agency_required_except_leader",
                violation_error_message=_(
                    "Choose the agency: every role but leader and community helper works in one."
                ),
            ),
            # A helper belongs to exactly one commune and no agency; nobody else has a commune.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role="community_helper", commune__isnull=False, department__isnull=True
                    )
                    | (~models.Q(role="community_helper") & models.Q(commune__isnull=True))
                ),
                name="membership_helper_has_commune",
                violation_error_message=_(
                    "A community helper works in one commune and no agency; other roles have "
                    "no commune."
                ),
            ),
        ]

    def __str__(self):
        place = self.department or self.commune or "—"
        return f"{self.user} · {self.get_role_display()} · {place}"
