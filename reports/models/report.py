from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.models.querysets import ReportQuerySet
from reports.status import ReportStatus
from reports.tracking import new_tracking_code


class Report(models.Model):
    """A problem on the ground, reported by a citizen and handled by one agency at a time.

    Workflow fields (status, agency, assignee, deadlines) change only through
    ``reports.actions``; the allowed transitions are listed in ``reports.workflow``.
    """

    Status = ReportStatus

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Source(models.TextChoices):
        """The channel a report came in by. The resident files the first two themselves; the
        others are entered for them by staff (``Report.entered_by``)."""

        WEB = "web", _("Web form")
        API = "open311", _("Open311 API")
        HOTLINE = "hotline", _("Hotline call")
        ZALO = "zalo", _("Zalo message")
        WALK_IN = "walk_in", _("Walk-in")
        COMMUNITY_HELPER = "helper", _("Community helper")
        EMAIL = "email", _("Email")

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    # Made by the reporter's device for each report it composes, and sent again with every
    # retry: a device that never got the answer to its first attempt files nothing twice.
    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        "services.Category", verbose_name=_("category"), on_delete=models.PROTECT
    )
    commune = models.ForeignKey(
        "services.Commune", verbose_name=_("commune"), on_delete=models.PROTECT
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address or landmark"), max_length=255, blank=True)
    commune_mismatch = models.BooleanField(
        _("pin outside the chosen commune"),
        default=False,
        help_text=_("Set when an uploaded boundary puts the pin in another commune."),
    )

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.NORMAL
    )
    source = models.CharField(
        _("channel"), max_length=8, choices=Source.choices, default=Source.WEB
    )
    # Who typed the report in for the resident (hotline operator, community helper); empty
    # when the reporter filed it themself. Never the reporter: the resident is.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        related_name="entered_reports",
        null=True,
        blank=True,
    )
    proposed_department = models.ForeignKey(
        "services.Department",
        verbose_name=_("proposed agency"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
        null=True,
        blank=True,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        related_name="duplicates",
        null=True,
        blank=True,
    )
    public_reason = models.TextField(
        _("public reason"), blank=True, help_text=_("Why the report was not accepted.")
    )

    # The reporter. Never shown publicly; the handling agency sees it only with consent.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter account"),
        on_delete=models.SET_NULL,
        related_name="reports",
        null=True,
        blank=True,
    )
    reporter_name = models.CharField(_("reporter name"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("reporter email"), blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    contact_allowed = models.BooleanField(_("agency may contact the reporter"), default=False)
    name_hidden = models.BooleanField(_("hide the reporter's name"), default=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    # Moderation.
    is_hidden = models.BooleanField(_("hidden from the public"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)

    # Milestones and the three clocks (see services.sla). Due times are stored so that reminder
    # scans and "overdue" filters are index range scans.
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    intake_done_at = models.DateTimeField(_("intake completed"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first public response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    intake_due_at = models.DateTimeField(_("intake due"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_paused_at = models.DateTimeField(
        _("resolution clock paused since"), null=True, blank=True
    )
    resolution_paused_total = models.DurationField(
        _("working time spent waiting for the reporter"), default=timedelta
    )
    resolution_extended = models.BooleanField(_("deadline extended"), default=False)
    # The deadline the report is worked against now: intake while it awaits intake, resolution
    # while an agency handles it (paused while waiting for the reporter), none once it is done.
    # Computed by the database, so the staff queues sort and filter on one indexed column
    # whoever wrote the due times.
    handling_due_at = models.GeneratedField(
        expression=models.Case(
            models.When(status="submitted", then=models.F("intake_due_at")),
            models.When(status__in=["accepted", "in_progress"], then=models.F("resolution_due_at")),
            default=models.Value(None, output_field=models.DateTimeField()),
            output_field=models.DateTimeField(),
        ),
        output_field=models.DateTimeField(_("current deadline"), null=True),
        db_persist=True,
    )
    # When the deadline scan must next look at the report (the earliest reminder threshold not
    # yet acted on); null when no clock is running. See reports.deadlines.clocks.
    deadline_check_at = models.DateTimeField(
        _("next deadline check"), null=True, blank=True, editable=False
    )
    # Resolved and not rated since: kept by the handling actions (set on resolution, cleared by
    # a rating or by leaving "resolved"), so the "awaiting rating" queue and its count read an
    # index instead of looking for a rating report by report.
    awaiting_rating = models.BooleanField(
        _("awaiting the reporter's rating"), default=False, editable=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    follower_count = models.PositiveIntegerField(_("followers"), default=0)
    # Lower-case, diacritics-free copy of code, title and description, for staff search.
    search_text = models.TextField(editable=False, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "intake_due_at"], name="report_intake_queue"),
            models.Index(fields=["department", "status", "resolution_due_at"], name="report_inbox"),
            models.Index(fields=["assigned_to", "status"], name="report_assignee"),
            models.Index(fields=["resolution_due_at"], name="report_resolution_due"),
            models.Index(fields=["response_due_at"], name="report_response_due"),
            models.Index(
                fields=["deadline_check_at"],
                name="report_deadline_check",
                condition=models.Q(deadline_check_at__isnull=False),
            ),
            models.Index(fields=["published_at", "id"], name="report_public_recent"),
            # Open311's requests, newest first: public reports only, so reports awaiting intake
            # (many, all recent) are never read and skipped.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(published_at__isnull=False, is_hidden=False),
                name="report_public_submitted",
            ),
            models.Index(fields=["latitude", "longitude"], name="report_location"),
            # The public map's points and street-level cells, read from the index alone
            # (PostgreSQL; elsewhere the plain location index serves).
            models.Index(
                fields=["latitude", "longitude"],
                include=["status", "category", "commune", "submitted_at", "tracking_code"],
                condition=models.Q(published_at__isnull=False, is_hidden=False),
                name="report_public_location",
            ),
            models.Index(fields=["category", "status", "submitted_at"], name="report_category"),
            models.Index(fields=["handling_due_at", "id"], name="report_handling_due"),
            # "My entries": one helper's or operator's reports, newest first.
            models.Index(
                fields=["entered_by", "submitted_at"],
                condition=models.Q(entered_by__isnull=False),
                name="report_entered_by",
            ),
            # "My commune": a commune's reports, newest first.
            models.Index(fields=["commune", "submitted_at"], name="report_commune_recent"),
            models.Index(fields=["department", "handling_due_at", "id"], name="report_agency_due"),
            # The staff queue counts read only live reports, from this index alone
            # (PostgreSQL; elsewhere the plain status indexes serve).
            models.Index(
                fields=["status", "handling_due_at"],
                include=["id", "department", "assigned_to", "awaiting_rating"],
                condition=models.Q(
                    status__in=["submitted", "accepted", "in_progress", "waiting_info", "resolved"]
                ),
                name="report_live_queues",
            ),
            # One small index per queue that is not a status: the list reads it in its default
            # order (the deadline, then the id).
            models.Index(
                fields=["handling_due_at", "id"],
                condition=models.Q(awaiting_rating=True),
                name="report_awaiting_rating",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(
                        latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                    )
                ),
                name="report_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(awaiting_rating=False) | models.Q(status="resolved"),
                name="report_awaiting_rating_is_resolved",
            ),
            models.CheckConstraint(
                condition=models.Q(status="duplicate", duplicate_of__isnull=False)
                | (~models.Q(status="duplicate") & models.Q(duplicate_of__isnull=True)),
                name="report_duplicate_has_original",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"code": self.tracking_code})

    @property
    def is_public(self) -> bool:
        """``Report.objects.public()`` for one report in memory."""
        return self.published_at is not None and not self.is_hidden

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def public_reporter_name(self) -> str:
        """What a public page may say about who reported: a first name at most, by consent."""
        if self.name_hidden or not self.reporter_name:
            return ""
        return self.reporter_name.split()[-1]
