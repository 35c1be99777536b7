"""The filters shared by the public map, the public list and the open-data downloads.

Everything in the query string is a public identifier (category and commune codes, status groups,
period names), so a filtered view can be bookmarked and shared.
"""

from datetime import timedelta
from urllib.parse import urlencode

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import Report
from reports.workflow import STATUS_GROUP_LABELS
from services.collation import VietnameseCollate
from services.models import Category, Commune

STATUS_GROUP_CHOICES = list(STATUS_GROUP_LABELS.items())
PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
PERIOD_CHOICES = [
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("365d", _("Last 12 months")),
]
FILTER_NAMES = ("category", "status", "commune", "period")


class PublicReportFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by(VietnameseCollate("name_vi")),
        to_field_name="code",
        empty_label=_("All categories"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_GROUP_CHOICES,
        method="filter_status_group",
        empty_label=_("All statuses"),
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"),
        queryset=Commune.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All communes"),
    )
    period = django_filters.ChoiceFilter(
        label=_("Reported"),
        choices=PERIOD_CHOICES,
        method="filter_period",
        empty_label=_("Any time"),
    )

    class Meta:
        model = Report
        fields = list(FILTER_NAMES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_status_group(self, queryset, name, value):
        return queryset.in_status_groups(value) if value else queryset

    def filter_period(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(submitted_at__gte=period_start(value))

    @property
    def active_filters(self) -> dict[str, object]:
        """The valid, non-empty filter values (model instances for category and commune)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    def querystring(self) -> str:
        """The active filters as a query string, to carry into links."""
        pairs = []
        for name, value in self.active_filters.items():
            pairs.append((name, getattr(value, "code", value)))
        return urlencode(pairs)


def period_start(period: str):
    return timezone.now() - timedelta(days=PERIOD_DAYS[period])
