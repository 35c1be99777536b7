# The outbox now belongs to camau_portal.notifications (see its 0001). The table and its rows
# stay; only the foreign keys to Report and ReportEvent go, because the bottom layer must not
# depend on reports: the columns keep their ids (and their indexes) as plain integers.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0007_event_kind_deadlines_recomputed"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="outboundemail",
                    name="report",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="reports.report"),
                ),
                migrations.AlterField(
                    model_name="outboundemail",
                    name="event",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="reports.reportevent"),
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="OutboundEmail"),
            ],
        ),
    ]
