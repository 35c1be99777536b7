"""API keys for creating reports, and the per-key rate limit."""

from __future__ import annotations

from django.utils import timezone

from reports.models import ApiKey
from reports.ratelimit import Rate, consume


def authenticate(raw_key: str | None) -> ApiKey | None:
    api_key = ApiKey.objects.authenticate((raw_key or "").strip())
    if api_key is not None:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key


def within_rate_limit(api_key: ApiKey) -> bool:
    """Counts one new report against the key's hourly allowance."""
    return consume(
        scope="open311-post",
        identity=str(api_key.pk),
        rate=Rate(limit=api_key.requests_per_hour, period_seconds=3600),
    )
