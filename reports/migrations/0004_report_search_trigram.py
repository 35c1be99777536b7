"""A trigram index for the staff search on PostgreSQL, so "contains" searches stay fast on a
million reports. Other databases (the embedded SQLite) scan, which is fine at their size.
Without the right to create the pg_trgm extension the index is skipped, not the migration."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS report_search_trgm "
                "ON reports_report USING gin (search_text gin_trgm_ops)"
            )
    except Exception as exc:  # missing privilege: search still works, only slower
        logger.warning("Trigram index for report search not created: %s", exc)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS report_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_handling_due")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
