# The outbox moves here from the reports app. Its table (reports_outboundemail) and rows stay
# where they are: this migration only takes over the model's state, after reports' migrations
# created the table; reports.0008 then drops its foreign keys and its own state of the model.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0007_event_kind_deadlines_recomputed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboundEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("dedupe_key", models.CharField(max_length=200, unique=True)),
                        ("template", models.CharField(max_length=80, verbose_name="template")),
                        ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                        ("language", models.CharField(choices=[("vi", "Vietnamese"), ("en", "English")], default="vi", max_length=5, verbose_name="language")),
                        ("context", models.JSONField(blank=True, default=dict, verbose_name="context")),
                        ("report_id", models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="report")),
                        ("event_id", models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="event")),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")], default="pending", max_length=8, verbose_name="status")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("next_attempt_at", models.DateTimeField(verbose_name="next attempt")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                    ],
                    options={
                        "verbose_name": "outbound email",
                        "verbose_name_plural": "outbound emails",
                        "db_table": "reports_outboundemail",
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
