import time

from django.core.management.base import BaseCommand, CommandError

from sandbox.bigcommerce.demo import generate_demo_data
from sandbox.bigcommerce.models import SandboxStore


class Command(BaseCommand):
    help = "Replace an emulated BigCommerce store's records with deterministic demo data."

    def add_arguments(self, parser):
        parser.add_argument("store_hash")
        parser.add_argument("--customers", type=int, default=25)
        parser.add_argument("--products", type=int, default=15)
        parser.add_argument("--orders", type=int, default=60)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--notify", action="store_true", help="fire the created webhooks of every record"
        )

    def handle(self, *args, **options):
        store = SandboxStore.objects.filter(store_hash=options["store_hash"]).first()
        if store is None:
            raise CommandError(f"No emulated store has the hash {options['store_hash']!r}.")
        started = time.monotonic()
        counts = generate_demo_data(
            store,
            customers=options["customers"],
            products=options["products"],
            orders=options["orders"],
            seed=options["seed"],
            notify=options["notify"],
        )
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(
            f"Seeded {store.store_hash} in {time.monotonic() - started:.1f} s: {summary}"
        )
