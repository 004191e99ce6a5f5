import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sandbox.services import ensure_coupon_demo, ensure_demo_environment

DEV_ADMIN = "admin"


class Command(BaseCommand):
    """`make run`'s first step. Here with the sandbox, whose demo environment it sets up: it
    exists where the sandbox is installed (SANDBOX_ENABLED, on with DEBUG by default)."""

    help = (
        "Prepare a development instance: migrate, make sure an admin account exists, and set up "
        "the sandbox's demo store and org."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("devsetup is for development (DEBUG on) only.")
        call_command("migrate", interactive=False, verbosity=0)
        password = self._admin_password()
        self._demo_environment(url)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Connector console: {url}"
                f"\n  Log in as {DEV_ADMIN!r} with password {password!r}\n"
            )
        )

    def _demo_environment(self, url: str) -> None:
        admin = get_user_model().objects.get(username=DEV_ADMIN)
        demo = ensure_demo_environment(admin, url)
        if demo.seeded:
            counts = ", ".join(f"{n} {name}" for name, n in demo.seeded.items())
            self.stdout.write(f"  Sandbox: demo store filled with {counts}.")
        self.stdout.write(
            f"  Sandbox: {demo.store.name!r} (BigCommerce emulator) syncs with "
            f"{demo.org.name!r} (Salesforce emulator)."
        )
        coupons = ensure_coupon_demo(demo)
        if coupons.orders:
            self.stdout.write(f"  Sandbox: {coupons.orders} recent orders with coupon codes.")
        unmapped = sorted(set(coupons.campaigns) - {code.upper() for code in coupons.mapped})
        self.stdout.write(
            f"  Sandbox: coupon revenue maps {', '.join(coupons.mapped) or 'no code'} to "
            f"Campaigns; {', '.join(unmapped) or 'no demo code'} left to map."
        )

    def _admin_password(self) -> str:
        """The dev admin's password, kept in var/ so each run can print it again."""
        password_file = settings.VAR_DIR / "dev-admin-password"
        User = get_user_model()
        user = User.objects.filter(username=DEV_ADMIN).first()
        if password_file.exists() and user is not None:
            password = password_file.read_text().strip()
            if user.check_password(password):
                return password
            return (
                "(changed since it was generated; reset it with `manage.py changepassword admin`)"
            )
        password = secrets.token_urlsafe(12)
        if user is None:
            User.objects.create_superuser(DEV_ADMIN, "admin@example.com", password)
        else:
            user.set_password(password)
            user.save()
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        return password
