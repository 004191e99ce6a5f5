from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox.salesforce.management.commands._orgs import add_org_argument, chosen_orgs
from sandbox.salesforce.services import SchemaError, define_custom_object


class Command(BaseCommand):
    help = "Define a custom object (with a Name field) in emulated Salesforce orgs."

    def add_arguments(self, parser):
        parser.add_argument("api_name", help="e.g. Loyalty_Card__c")
        parser.add_argument("label", help="e.g. 'Loyalty Card'")
        parser.add_argument("--plural-label", help="default: the label with an s")
        add_org_argument(parser)

    @transaction.atomic
    def handle(self, *args, api_name, label, plural_label, org_name, **options):
        for org in chosen_orgs(org_name):
            try:
                definition = define_custom_object(org, api_name, label, plural_label=plural_label)
            except SchemaError as exc:
                raise CommandError(f"{org.name}: {exc}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"{org.name}: {api_name} defined (key prefix {definition.key_prefix})."
                )
            )
