"""Precomputed figures for the statistics pages and the public map.

Both tables are derived data: ``reports.stats`` fills them from the reports, a beat task keeps
them current, and ``manage.py rebuild_stats`` recreates them from scratch. Their size depends on
the calendar and the map grid, not on the number of reports, so the pages that read them cost the
same at ten thousand and at a million reports.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Upper edges, in hours, of the buckets that time-to-response and time-to-resolution fall into.
# The last bucket is open-ended. Medians are estimated from these counts (see reports.stats).
DURATION_BUCKET_EDGES_HOURS = (1, 2, 4, 8, 16, 24, 48, 72, 120, 168, 240, 360, 720, 1440)
DURATION_BUCKET_COUNT = len(DURATION_BUCKET_EDGES_HOURS) + 1
DURATION_CLOCKS = ("response", "resolution")


# The number each report channel (``Report.Source``) is counted under in the channel rows. Fixed
# forever: a number once given is never reused, so old rows keep their meaning.
CHANNEL_STAT_KEYS = {
    "web": 1,
    "open311": 2,
    "hotline": 3,
    "zalo": 4,
    "walk_in": 5,
    "helper": 6,
    "email": 7,
}


def duration_bucket_field(clock: str, index: int) -> str:
    return f"{clock}_b{index}"


class DailyStat(models.Model):
    """The reports received on one day (Asia/Ho_Chi_Minh) in one scope, as they stand now.

    A row exists for every day for the province, every agency, commune and category (zeros
    included), and for each agency × category pair that has reports. Figures are "cohort"
    figures: of the reports received that day, how many are resolved, open, overdue, were
    handled on time, and how their reporters rated them.
    """

    class Scope(models.TextChoices):
        PROVINCE = "province", _("Province")
        DEPARTMENT = "department", _("Agency")
        COMMUNE = "commune", _("Commune")
        CATEGORY = "category", _("Category")
        DEPARTMENT_CATEGORY = "dept_category", _("Agency and category")
        CHANNEL = "channel", _("Channel")

    day = models.DateField(_("day"))
    scope = models.CharField(_("scope"), max_length=14, choices=Scope.choices)
    # The agency, commune or category id (0 for the province); for agency × category rows the
    # agency id, with the category in ``category_key``; for channel rows the channel's number in
    # ``CHANNEL_STAT_KEYS``.
    key = models.PositiveIntegerField(_("key"), default=0)
    category_key = models.PositiveIntegerField(_("category key"), default=0)

    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    open = models.PositiveIntegerField(_("open"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)

    intake_on_time = models.PositiveIntegerField(default=0)
    intake_late_extended = models.PositiveIntegerField(default=0)
    intake_late = models.PositiveIntegerField(default=0)
    response_on_time = models.PositiveIntegerField(default=0)
    response_late_extended = models.PositiveIntegerField(default=0)
    response_late = models.PositiveIntegerField(default=0)
    resolution_on_time = models.PositiveIntegerField(default=0)
    resolution_late_extended = models.PositiveIntegerField(default=0)
    resolution_late = models.PositiveIntegerField(default=0)

    rated_satisfied = models.PositiveIntegerField(default=0)
    rated_acceptable = models.PositiveIntegerField(default=0)
    rated_not_satisfied = models.PositiveIntegerField(default=0)

    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "category_key", "day"], name="dailystat_unique"
            )
        ]
        indexes = [
            models.Index(fields=["scope", "day"], name="dailystat_scope_day"),
            models.Index(fields=["day"], name="dailystat_day"),
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.scope} {self.key}"


# One count column per duration bucket and clock, so that a period's histogram is one SQL SUM.
for _clock in DURATION_CLOCKS:
    for _index in range(DURATION_BUCKET_COUNT):
        DailyStat.add_to_class(
            duration_bucket_field(_clock, _index), models.PositiveIntegerField(default=0)
        )


class MapCell(models.Model):
    """Public reports with a pin, counted per square of a fixed grid.

    ``level`` is the number of cells per degree (a power of two, so each cell splits exactly into
    four of the next level). One row per combination of the map's filters: ``category_key`` and
    ``commune_key`` 0 hold every category or commune together, ``period_days`` 0 holds every
    report, 7 those submitted in the 7 days before the row was computed (the map's "period"
    choices). Rows with no report are not stored. The map endpoint reads these rows when a box
    holds too many reports to draw one by one.
    """

    level = models.PositiveSmallIntegerField(_("cells per degree"))
    row = models.IntegerField(_("row"))  # floor(latitude × level)
    col = models.IntegerField(_("column"))  # floor(longitude × level)
    category_key = models.PositiveIntegerField(_("category"), default=0)
    commune_key = models.PositiveIntegerField(_("commune"), default=0)
    period_days = models.PositiveSmallIntegerField(_("submitted within (days)"), default=0)
    open = models.PositiveIntegerField(_("open"), default=0)
    fixed = models.PositiveIntegerField(_("fixed"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    latitude_sum = models.FloatField(default=0)
    longitude_sum = models.FloatField(default=0)

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "category_key", "commune_key", "period_days", "row", "col"],
                name="mapcell_unique",
            )
        ]

    def __str__(self):
        return (
            f"{self.level}/{self.row}/{self.col}/{self.category_key}/{self.commune_key}"
            f"/{self.period_days}"
        )


class RollupState(models.Model):
    """How far the derived tables have caught up with the reports."""

    name = models.CharField(max_length=40, primary_key=True)
    # Empty until the first full build.
    watermark = models.DateTimeField(_("up to date until"), null=True, blank=True)
    # A lease rather than a row lock held for the whole run: on SQLite a transaction that
    # long would keep sign-ins and submissions waiting for the write lock.
    running_until = models.DateTimeField(_("refresh running until"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        if self.watermark is None:
            return self.name
        return f"{self.name} {self.watermark:%d/%m/%Y %H:%M}"
