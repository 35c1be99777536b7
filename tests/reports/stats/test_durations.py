"""Durations in buckets and the median read back from them (reports.stats.durations)."""

from datetime import timedelta

from reports.stats.durations import bucket_index, median_hours


def test_duration_buckets_and_grouped_median():
    assert bucket_index(timedelta(minutes=30)) == 0
    assert bucket_index(timedelta(hours=1)) == 1  # edges belong to the bucket above
    assert bucket_index(timedelta(hours=24)) == 6
    assert bucket_index(timedelta(days=90)) == 14  # open-ended last bucket
    counts = [0] * 15
    assert median_hours(counts) is None
    counts[6] = 1  # one duration in [24 h, 48 h)
    assert median_hours(counts) == 36  # the middle of its bucket
    counts[4], counts[8] = 1, 1  # [8, 16) and [72, 120)
    # n = 3, half = 1.5: one below [24, 48), so 24 + (1.5 − 1) / 1 × 24 = 36.
    assert median_hours(counts) == 36
    counts = [2, 1, 0, 1] + [0] * 11
    # n = 4, half = 2: bucket [0, 1) holds two: 0 + 2 / 2 × 1 = 1.
    assert median_hours(counts) == 1
    assert median_hours([0] * 14 + [3]) == 1440  # open-ended: its lower edge
