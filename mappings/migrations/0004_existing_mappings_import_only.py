"""Mappings made before the export direction existed imported only; of them, the default
template's exportable rows (mappings.defaults.EXPORTED) export too, the rest stay imported only,
so enabling export on an existing store does what a new store's template does."""

from django.db import migrations

EXPORTED = {
    "customer": {
        "Contact": {
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "MailingStreet",
            "MailingCity",
            "MailingState",
            "MailingPostalCode",
            "MailingCountry",
        },
    },
    "product": {
        "Product2": {"Name", "ProductCode", "Description", "IsActive"},
        "PricebookEntry": {"UnitPrice"},
    },
    "order": {"Order": {"Status"}},
}


def import_only_but_defaults(apps, schema_editor):
    FieldMapping = apps.get_model("mappings", "FieldMapping")
    for mapping in FieldMapping.objects.select_related("setting").iterator():
        exported = mapping.target_field in EXPORTED.get(mapping.setting.source, {}).get(
            mapping.target_object, set()
        )
        mapping.direction = "both" if exported else "import"
        if exported and mapping.source == "{addresses.0.address1}" and mapping.kind == "template":
            mapping.export_path = mapping.export_path or "addresses.0.address1"
        mapping.save(update_fields=["direction", "export_path"])


class Migration(migrations.Migration):
    dependencies = [("mappings", "0003_export_settings")]
    operations = [migrations.RunPython(import_only_but_defaults, migrations.RunPython.noop)]
