from django.db import migrations


class Migration(migrations.Migration):
    """The log model now belongs to the sync app (sync 0012); its table stays as it is."""

    dependencies = [("logs", "0003_log_earlier_tries")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SyncLogEntry")],
        ),
    ]
