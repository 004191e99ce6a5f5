from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox.salesforce.custom_schema import FIELD_TYPES
from sandbox.salesforce.management.commands._orgs import add_org_argument, chosen_orgs
from sandbox.salesforce.services import SchemaError, define_custom_field


class Command(BaseCommand):
    help = "Define a custom field on an object of emulated Salesforce orgs."

    def add_arguments(self, parser):
        parser.add_argument("object_name", help="e.g. Account or BigCommerce_Category__c")
        parser.add_argument("api_name", help="e.g. Loyalty_Tier__c")
        parser.add_argument("field_type", metavar="type", choices=sorted(FIELD_TYPES))
        parser.add_argument("--label")
        parser.add_argument("--external-id", action="store_true")
        parser.add_argument("--unique", action="store_true")
        parser.add_argument("--required", action="store_true")
        parser.add_argument("--length", type=int, help="text and textarea fields")
        parser.add_argument("--scale", type=int, help="decimal places of number fields")
        parser.add_argument("--picklist-values", help="comma-separated values of a picklist")
        parser.add_argument("--unrestricted", action="store_true", help="accept other values")
        parser.add_argument("--reference-to", help="the object a lookup refers to")
        add_org_argument(parser)

    @transaction.atomic
    def handle(self, *args, object_name, api_name, field_type, org_name, **options):
        values = options["picklist_values"]
        definition = {
            "external_id": options["external_id"],
            "unique": options["unique"],
            "required": options["required"],
            "length": options["length"],
            "scale": options["scale"],
            "label": options["label"],
            "picklist_values": values.split(",") if values else None,
            "restricted_picklist": not options["unrestricted"],
            "reference_to": options["reference_to"],
        }
        for org in chosen_orgs(org_name):
            try:
                define_custom_field(org, object_name, api_name, field_type, **definition)
            except SchemaError as exc:
                raise CommandError(f"{org.name}: {exc}") from None
            self.stdout.write(self.style.SUCCESS(f"{org.name}: {object_name}.{api_name} defined."))
