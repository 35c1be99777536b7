"""API keys for creating reports, and the per-key rate limit."""

from __future__ import annotations

from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from reports.models import ApiKey


def authenticate(raw_key: str | None) -> ApiKey | None:
    api_key = ApiKey.objects.authenticate((raw_key or "").strip())
    if api_key is not None:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key


def within_rate_limit(request, api_key: ApiKey) -> bool:
    """Counts one new report against the key's hourly allowance (django-ratelimit)."""
    return not is_ratelimited(
        request,
        group="open311-post",
        key=lambda _group, _request: str(api_key.pk),
        rate=f"{api_key.requests_per_hour}/h",
        increment=True,
    )
