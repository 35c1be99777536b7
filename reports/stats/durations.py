"""Durations counted in buckets, and the median read back from the bucket counts.

Exact medians would need every duration of the period; the rollup keeps counts per bucket
instead, so a period of any length is one SQL SUM. The median is the standard grouped-data
estimate: find the bucket holding the middle report and interpolate linearly inside it. It
always lies in the same bucket as the exact median.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import timedelta

from reports.models.stats import DURATION_BUCKET_COUNT, DURATION_BUCKET_EDGES_HOURS


def bucket_index(duration: timedelta) -> int:
    hours = max(duration.total_seconds(), 0) / 3600
    return bisect_right(DURATION_BUCKET_EDGES_HOURS, hours)


def bucket_bounds(index: int) -> tuple[float, float | None]:
    """(lower, upper) in hours; the last bucket has no upper bound."""
    lower = 0.0 if index == 0 else float(DURATION_BUCKET_EDGES_HOURS[index - 1])
    upper = (
        float(DURATION_BUCKET_EDGES_HOURS[index])
        if index < len(DURATION_BUCKET_EDGES_HOURS)
        else None
    )
    return lower, upper


def median_hours(counts: Sequence[int]) -> float | None:
    """The grouped median of bucket ``counts`` in hours, or None when there is nothing."""
    if len(counts) != DURATION_BUCKET_COUNT:
        raise ValueError("one count per bucket expected")
    total = sum(counts)
    if not total:
        return None
    half = total / 2
    before = 0
    for index, count in enumerate(counts):
        if count and before + count >= half:
            lower, upper = bucket_bounds(index)
            if upper is None:
                return lower
            return lower + (half - before) / count * (upper - lower)
        before += count
    raise AssertionError("unreachable: the counts add up to total")
