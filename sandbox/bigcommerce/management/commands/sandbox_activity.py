import time

from django.core.management.base import BaseCommand, CommandError

from sandbox.bigcommerce import webhooks
from sandbox.bigcommerce.activity import simulate_activity
from sandbox.bigcommerce.models import SandboxStore

# How long to keep sending the callbacks of the last changes before handing the rest (retries)
# to the processes serving the emulator.
DRAIN_SECONDS = 10


class Command(BaseCommand):
    help = "Simulate shop activity in an emulated BigCommerce store (fires its webhooks)."

    def add_arguments(self, parser):
        parser.add_argument("store_hash")
        parser.add_argument("--per-minute", type=int, default=60)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        store = SandboxStore.objects.filter(store_hash=options["store_hash"]).first()
        if store is None:
            raise CommandError(f"No emulated store has the hash {options['store_hash']!r}.")
        if options["per_minute"] < 1 or options["seconds"] < 0:
            raise CommandError("--per-minute must be at least 1 and --seconds not negative.")
        changes = simulate_activity(
            store,
            events_per_minute=options["per_minute"],
            duration_seconds=options["seconds"],
            seed=options["seed"],
        )
        # The delivery thread finishes what it sends, then this process sends what is due
        # and leaves later retries to the processes serving the emulator.
        deadline = time.monotonic() + DRAIN_SECONDS
        webhooks.dispatcher.stop(timeout=DRAIN_SECONDS)
        while webhooks.deliver_due() and time.monotonic() < deadline:
            pass
        self.stdout.write(f"Made {changes} changes in {store.store_hash}.")
