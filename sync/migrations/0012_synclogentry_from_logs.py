import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The log model, until now the logs app's (logs 0004): state only, the table
    `logs_synclogentry` with its indexes and constraints stays as it is."""

    dependencies = [
        ("sync", "0011_link_org_required"),
        ("logs", "0004_move_synclogentry_to_sync"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SyncLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("source", models.CharField(max_length=16)),
                        ("direction", models.CharField(default="import", max_length=8)),
                        ("source_id", models.CharField(max_length=64)),
                        ("target_object", models.CharField(blank=True, default="", max_length=80)),
                        ("target_id", models.CharField(blank=True, default="", max_length=18)),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("created", "Created"),
                                    ("updated", "Updated"),
                                    ("unchanged", "Unchanged"),
                                    ("skipped", "Skipped by condition"),
                                    ("failed", "Failed"),
                                    ("deleted", "Deleted"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("error_code", models.CharField(blank=True, default="", max_length=80)),
                        ("error_message", models.TextField(blank=True, default="")),
                        ("error_fields", models.JSONField(blank=True, default=list)),
                        ("retryable", models.BooleanField(default=False)),
                        ("values", models.JSONField(blank=True, default=dict)),
                        ("calls", models.JSONField(blank=True, default=list)),
                        ("attempt", models.PositiveIntegerField(default=1)),
                        ("earlier_tries", models.JSONField(blank=True, default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "run",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="log_entries",
                                to="sync.syncrun",
                            ),
                        ),
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="log_entries",
                                to="stores.store",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "logs_synclogentry",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["store", "source", "source_id"], name="log_by_record"
                            ),
                            models.Index(
                                fields=["store", "outcome", "created_at"], name="log_by_outcome"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
