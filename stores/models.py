import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from connector.fields import EncryptedTextField
from integrations import hosts
from integrations.salesforce.credentials import AuthFlow, Tokens

store_hash_validator = RegexValidator(
    r"^[a-z0-9]{3,32}$",
    "A store hash is 3 to 32 lowercase letters and digits, as in "
    "https://api.bigcommerce.com/stores/<store hash>/v3/.",
)
api_version_validator = RegexValidator(
    r"^\d{2,3}\.0$", "Write the Salesforce API version as a number such as 62.0."
)


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    OPERATOR = "operator", "Operator"
    VIEWER = "viewer", "Viewer"

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}[self]

    def allows(self, needed: "Role") -> bool:
        return self.rank >= Role(needed).rank


class SalesforceOrg(models.Model):
    """An org and the tokens the connector holds for it (`integrations.salesforce.credentials.
    OrgCredentials`: the auth flows keep the tokens through the methods below)."""

    # The credentials each flow needs, beyond the client id; the org form enforces them.
    REQUIRED_CREDENTIALS = {
        AuthFlow.WEB_SERVER: ("client_secret",),
        AuthFlow.JWT_BEARER: ("username", "private_key"),
        AuthFlow.CLIENT_CREDENTIALS: ("client_secret",),
        AuthFlow.USERNAME_PASSWORD: ("client_secret", "username", "password"),
    }
    SECRET_FIELDS = ("client_secret", "password", "security_token", "private_key")

    name = models.CharField(max_length=100, unique=True)
    login_url = models.URLField(
        "login URL",
        default="https://login.salesforce.com",
        help_text="https://login.salesforce.com, https://test.salesforce.com or a My Domain URL.",
    )
    auth_flow = models.CharField(
        max_length=32, choices=AuthFlow.choices, default=AuthFlow.WEB_SERVER
    )
    api_version = models.CharField(
        "API version", max_length=8, default="62.0", validators=[api_version_validator]
    )
    client_id = models.CharField("consumer key", max_length=255)
    client_secret = EncryptedTextField("consumer secret", blank=True, default="")
    username = models.CharField(max_length=255, blank=True, default="")
    password = EncryptedTextField(blank=True, default="")
    security_token = EncryptedTextField(blank=True, default="")
    private_key = EncryptedTextField(
        "private key",
        blank=True,
        default="",
        help_text="PEM private key of the connected app's certificate.",
    )

    # Obtained by the connector, not typed by people.
    refresh_token = EncryptedTextField(blank=True, default="", editable=False)
    access_token = EncryptedTextField(blank=True, default="", editable=False)
    instance_url = models.URLField(blank=True, default="", editable=False)
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    needs_reconnect = models.BooleanField(default=False, editable=False)
    is_sandbox = models.BooleanField("sandbox", default=False, editable=False)
    connection_report = models.JSONField(null=True, blank=True, editable=False)
    connection_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, default="", editable=False)
    # Cached describes and the standard price book are keyed by this number; it goes up when
    # the org is edited, reconnected or its fields refreshed, so that every worker reads the
    # org's schema afresh.
    schema_generation = models.PositiveIntegerField(default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Salesforce org"

    def __str__(self):
        return self.name

    def clean(self):
        _refuse_foreign_host(self, "login_url", "Salesforce")

    @classmethod
    def secrets_sent_by(cls, flow) -> tuple[str, ...]:
        """The secret fields the flow sends to the login URL (signs with, for the key)."""
        needed = cls.REQUIRED_CREDENTIALS[AuthFlow(flow)]
        extra = ("security_token",) if flow == AuthFlow.USERNAME_PASSWORD else ()
        return tuple(name for name in cls.SECRET_FIELDS if name in needed or name in extra)

    @property
    def is_connected(self) -> bool:
        return bool(self.access_token and self.instance_url) and not self.needs_reconnect

    # --- token storage, for the auth flows ---------------------------------------------------
    def load_tokens(self) -> "SalesforceOrg":
        return SalesforceOrg.objects.get(pk=self.pk)

    def save_tokens(self, tokens: Tokens) -> "SalesforceOrg":
        with transaction.atomic():
            org = SalesforceOrg.objects.select_for_update().get(pk=self.pk)
            org.access_token = tokens.access_token
            org.instance_url = tokens.instance_url
            if tokens.refresh_token:
                org.refresh_token = tokens.refresh_token  # with rotation, the old one is spent
            org.token_issued_at = timezone.now()
            org.needs_reconnect = False
            org.last_error = ""
            org.save(
                update_fields=[
                    "access_token",
                    "instance_url",
                    "refresh_token",
                    "token_issued_at",
                    "needs_reconnect",
                    "last_error",
                    "updated_at",
                ]
            )
        return org

    def forget_schema(self) -> None:
        SalesforceOrg.objects.filter(pk=self.pk).update(
            schema_generation=F("schema_generation") + 1
        )
        self.refresh_from_db(fields=["schema_generation"])

    def mark_refused(self, reason: str) -> None:
        SalesforceOrg.objects.filter(pk=self.pk).update(
            needs_reconnect=True,
            last_error=reason[:1000],
            access_token="",
            updated_at=timezone.now(),
        )


class Store(models.Model):
    SECRET_FIELDS = ("access_token", "client_secret")

    name = models.CharField(max_length=100)
    store_hash = models.CharField(max_length=32, validators=[store_hash_validator])
    api_base_url = models.URLField(
        "API base URL",
        default="https://api.bigcommerce.com",
        help_text="Change only to point the store at a sandbox or a proxy.",
    )
    access_token = EncryptedTextField("access token")
    client_id = models.CharField("client ID", max_length=255, blank=True, default="")
    client_secret = EncryptedTextField("client secret", blank=True, default="")
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    is_active = models.BooleanField("active", default=True)
    log_retention_days = models.PositiveIntegerField(
        "keep sync logs for (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    is_sandbox = models.BooleanField("sandbox", default=False, editable=False)
    connection_report = models.JSONField(null=True, blank=True, editable=False)
    connection_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Sent by BigCommerce in a header of every callback; generated when hooks are registered.
    webhook_secret = EncryptedTextField("webhook secret", blank=True, default="", editable=False)
    # Salesforce's trigger (a Flow, quick action or Outbound Message asking for an export) sends
    # a token shown once when it is made; only its SHA-256 digest is kept.
    salesforce_trigger_digest = models.CharField(
        max_length=64, blank=True, default="", editable=False
    )
    salesforce_org = models.ForeignKey(
        SalesforceOrg,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stores",
        verbose_name="Salesforce org",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="stores"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_base_url", "store_hash"], name="store_unique_hash_per_api"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        _refuse_foreign_host(self, "api_base_url", "BigCommerce")

    @property
    def api_root(self) -> str:
        return f"{self.api_base_url.rstrip('/')}/stores/{self.store_hash}"


def _refuse_foreign_host(instance, field: str, system: str) -> None:
    url = getattr(instance, field)
    reason = hosts.refusal(url, system) if url else ""
    if reason:
        raise ValidationError({field: reason})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="membership_unique_user_store")
        ]

    def __str__(self):
        return f"{self.user} – {self.store} ({self.role})"
