from django.core.management.base import BaseCommand

from sandbox.salesforce.services import provision_org


class Command(BaseCommand):
    help = (
        "Create (or find) an emulated Salesforce org with its connected app and integration "
        "user, and print the credentials the connector needs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="Sandbox org")
        parser.add_argument("--rotate-refresh-tokens", action="store_true")
        parser.add_argument("--show-private-key", action="store_true")

    def handle(self, *args, name, rotate_refresh_tokens, show_private_key, **options):
        credentials = provision_org(name=name, rotate_refresh_tokens=rotate_refresh_tokens)
        lines = {
            "org": f"{credentials.name} ({credentials.org_id})",
            "token path": credentials.token_path,
            "consumer key": credentials.client_id,
            "consumer secret": credentials.client_secret,
            "username": credentials.username,
            "password": credentials.password,
            "security token": credentials.security_token,
            "integration user": credentials.user_id,
        }
        for label, value in lines.items():
            self.stdout.write(f"{label:>17}: {value}")
        if show_private_key:
            self.stdout.write(credentials.private_key_pem)
