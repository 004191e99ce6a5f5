from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

share = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Emulator(models.TextChoices):
    BIGCOMMERCE = "bigcommerce", "BigCommerce"
    SALESFORCE = "salesforce", "Salesforce"


class FaultProfile(models.Model):
    """The faults an emulator injects into its answers, set from the console or the control API.

    One row per emulator. Every knob off (zero) means a well-behaved API.
    """

    emulator = models.CharField(max_length=16, choices=Emulator.choices, unique=True)
    latency_ms = models.PositiveIntegerField("added latency (ms)", default=0)
    jitter_ms = models.PositiveIntegerField("jitter (ms)", default=0)
    error_share = models.FloatField("share of 500/503 answers", default=0.0, validators=share)
    hang_share = models.FloatField("share of hanging requests", default=0.0, validators=share)
    hang_seconds = models.PositiveIntegerField("how long a hanging request hangs (s)", default=30)
    # BigCommerce: every call answers 429 until this time.
    rate_limit_storm_until = models.DateTimeField(null=True, blank=True)
    rate_limit_storm_headers = models.BooleanField(
        "send rate-limit headers during a storm", default=True
    )
    # Salesforce: every Nth call finds its access token expired (0 = never).
    session_expiry_every = models.PositiveIntegerField(
        "expire the session every N calls", default=0
    )
    # Salesforce: share of record writes that fail with UNABLE_TO_LOCK_ROW.
    lock_error_share = models.FloatField(
        "share of UNABLE_TO_LOCK_ROW", default=0.0, validators=share
    )
    # BigCommerce: share of webhook deliveries sent twice (byte-identical).
    duplicate_delivery_share = models.FloatField(
        "share of webhooks delivered twice", default=0.0, validators=share
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Faults of the {self.get_emulator_display()} emulator"
