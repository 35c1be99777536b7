"""SMS per second by one worker against a loopback SMSC (see camau_portal.devtools.sms_benchmark).

Needs Redis (REDIS_URL, or --broker) and a database with the reference data; it files one
report of its own when none exists, and removes the outbox rows it wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from camau_portal.devtools.sms_benchmark import run_sms_benchmark
from reports.intake.actions import report_submit
from reports.models import Report
from services.models import Category, Commune
from services.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Time N status SMS sent by one Celery worker over SMPP to a loopback SMSC."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=500, help="SMS to send.")
        parser.add_argument("--broker", default=settings.REDIS_URL, help="Redis URL.")
        parser.add_argument("--timeout", type=float, default=600)

    def handle(self, *args, count, broker, timeout, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("A benchmark: never in production.")
        if not broker.startswith("redis"):
            raise CommandError("Give a Redis broker (REDIS_URL or --broker redis://...).")
        if count < 1:
            raise CommandError("--count must be at least 1.")
        report = Report.objects.order_by("pk").first() or self._file_report()
        result = run_sms_benchmark(
            report_id=report.pk, count=count, broker_url=broker, timeout=timeout
        )
        self.stdout.write(
            f"{result.count} SMS in {result.seconds:.2f} s by one worker (concurrency 1): "
            f"{result.per_second:.1f} SMS/s; {result.submitted} submit_sm recorded by the "
            f"SMSC over {result.binds} SMPP session(s)."
        )

    def _file_report(self) -> Report:
        if not Category.objects.filter(code="ROAD_DAMAGE").exists():
            load_reference_data()
        commune = Commune.objects.order_by("code").first()
        return report_submit(
            category=Category.objects.get(code="ROAD_DAMAGE"),
            commune=commune,
            title="Ổ gà trước chợ (benchmark)",
            description="Báo cáo dùng để đo tốc độ gửi SMS.",
            latitude=commune.latitude,
            longitude=commune.longitude,
            reporter_phone="0912345678",
            acting_user=None,
        )
