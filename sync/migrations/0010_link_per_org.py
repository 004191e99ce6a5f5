import django.db.models.deletion
from django.db import migrations, models


def link_to_the_stores_org(apps, schema_editor):
    """Existing links were made with the org each store syncs with now; a link of a store
    without an org points nowhere and is dropped."""
    IdentityLink = apps.get_model("sync", "IdentityLink")
    Store = apps.get_model("stores", "Store")
    for store_id, org_id in Store.objects.values_list("pk", "salesforce_org_id"):
        links = IdentityLink.objects.filter(store_id=store_id)
        if org_id is None:
            links.delete()
        else:
            links.update(org_id=org_id)


class Migration(migrations.Migration):
    dependencies = [
        ("stores", "0006_org_schema_generation"),
        ("sync", "0009_run_next_run"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="identitylink",
            name="identity_link_unique_source_per_target_object",
        ),
        migrations.RemoveIndex(model_name="identitylink", name="link_by_target"),
        migrations.AddField(
            model_name="identitylink",
            name="org",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stores.salesforceorg",
            ),
        ),
        migrations.RunPython(link_to_the_stores_org, migrations.RunPython.noop),
    ]
