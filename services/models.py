"""The catalogue a report is filed against: where (Commune), who (Department), what (Category),
and when the clock runs (the working calendar and office hours)."""

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from services.collation import VietnameseCollate


class BilingualNameMixin:
    """Picks the Vietnamese or English name for the active language."""

    @property
    def name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi

    def __str__(self):
        return self.name


class Commune(models.Model):
    class Kind(models.TextChoices):
        # "Commune" alone also names any commune-level unit (wards included) elsewhere.
        WARD = "phuong", pgettext_lazy("kind of commune-level unit", "Ward")
        COMMUNE = "xa", pgettext_lazy("kind of commune-level unit", "Commune")
        SPECIAL_ZONE = "dac_khu", pgettext_lazy("kind of commune-level unit", "Special zone")

    code = models.CharField(_("official code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    former_province = models.CharField(_("former province"), max_length=60, blank=True)
    former_district = models.CharField(_("former district"), max_length=120, blank=True)
    predecessors = models.TextField(_("merged units"), blank=True)
    latitude = models.FloatField(_("approximate latitude"))
    longitude = models.FloatField(_("approximate longitude"))
    boundary = models.JSONField(
        _("boundary (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon; when present, the map pin decides."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [VietnameseCollate("name")]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class Department(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake centre")
        PROVINCE = "province", _("Provincial department")
        POLICE = "police", _("Police")
        UTILITY = "utility", _("Utility company")
        COMMUNE = "commune", _("Commune People's Committee")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    commune = models.OneToOneField(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee",
        help_text=_("Set for a commune's People's Committee."),
    )
    email = models.EmailField(_("contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = [VietnameseCollate("name_vi")]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="commune", commune__isnull=False)
                | (~models.Q(kind="commune") & models.Q(commune__isnull=True)),
                name="department_commune_iff_commune_kind",
            )
        ]


class Category(BilingualNameMixin, models.Model):
    class HandledBy(models.TextChoices):
        COMMUNE = "commune", _("The commune's People's Committee")
        DEPARTMENT = "department", _("A named agency")
        INTAKE = "intake", _("The intake centre")

    class TargetUnit(models.TextChoices):
        WORKING_DAYS = "wd", _("working days")
        WORKING_HOURS = "wh", _("working hours")

    code = models.CharField(_("code"), max_length=40, unique=True)
    group_vi = models.CharField(_("group (Vietnamese)"), max_length=120)
    group_en = models.CharField(_("group (English)"), max_length=120, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    handled_by = models.CharField(_("handled by"), max_length=12, choices=HandledBy.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    resolution_target = models.PositiveIntegerField(_("resolution target"))
    resolution_unit = models.CharField(
        _("resolution target unit"), max_length=2, choices=TargetUnit.choices
    )
    urgent_target = models.PositiveIntegerField(_("urgent resolution target"), default=4)
    urgent_unit = models.CharField(
        _("urgent target unit"),
        max_length=2,
        choices=TargetUnit.choices,
        default=TargetUnit.WORKING_HOURS,
    )
    urgent_default = models.BooleanField(_("urgent by default"), default=False)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handled_by="department", department__isnull=False)
                | (~models.Q(handled_by="department") & models.Q(department__isnull=True)),
                name="category_department_iff_handled_by_department",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_target__gt=0), name="category_target_positive"
            ),
        ]

    @property
    def group(self) -> str:
        if (get_language() or "vi").startswith("en") and self.group_en:
            return self.group_en
        return self.group_vi


class CalendarDay(models.Model):
    """An exception to the weekly pattern: a day off on a weekday or a make-up working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_confirmed = models.BooleanField(_("confirmed"), default=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class OfficeHours(models.Model):
    """One working period of a weekday (Monday is 0). Two rows a day model the lunch break."""

    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="office_hours_end_after_start"
            ),
            models.UniqueConstraint(fields=["weekday", "start"], name="office_hours_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ResponseTemplate(models.Model):
    """A reusable public answer, offered to staff by agency and category."""

    title = models.CharField(_("title"), max_length=120)
    body_vi = models.TextField(_("text (Vietnamese)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("agency"), on_delete=models.CASCADE, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self):
        return self.title
