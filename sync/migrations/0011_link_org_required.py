import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from the data migration before it: PostgreSQL does not alter a table whose rows
    were just updated in the same transaction."""

    dependencies = [("sync", "0010_link_per_org")]

    operations = [
        migrations.AlterField(
            model_name="identitylink",
            name="org",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stores.salesforceorg",
            ),
        ),
        migrations.AddConstraint(
            model_name="identitylink",
            constraint=models.UniqueConstraint(
                fields=("store", "org", "source_type", "source_id", "target_object"),
                name="identity_link_unique_source_per_org_and_target_object",
            ),
        ),
        migrations.AddIndex(
            model_name="identitylink",
            index=models.Index(
                fields=["org", "target_object", "target_id"], name="link_by_org_target"
            ),
        ),
    ]
