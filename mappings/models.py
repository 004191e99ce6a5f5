"""What syncs and how, per store: object settings, field mappings, record type rules,
matching rules and sync conditions, and the coupon codes whose revenue goes to Campaigns. The
pure code in transform.py and conditions.py runs on these rows (as Rule / Condition values);
the console edits them."""

from django.db import models
from django.db.models.functions import Upper

from mappings import conditions, transform
from mappings.convert import CONVERTERS
from stores.models import Store


class SourceObject(models.TextChoices):
    CUSTOMER = "customer", "Customers"
    GUEST = "guest", "Guest customers (from orders)"
    CATEGORY = "category", "Categories"
    PRODUCT = "product", "Products"
    ORDER = "order", "Orders"
    REFUND = "refund", "Refunds"
    # Not records but a daily aggregate: yesterday's revenue per coupon code, to Campaigns.
    COUPON_REVENUE = "coupon_revenue", "Coupon revenue (to Campaigns)"


class Direction(models.TextChoices):
    IMPORT = "import", "BigCommerce → Salesforce"
    EXPORT = "export", "Salesforce → BigCommerce"
    BOTH = "both", "Both ways"


class OrderTarget(models.TextChoices):
    ORDER = "order", "Order"
    OPPORTUNITY = "opportunity", "Opportunity"
    BOTH = "both", "Order and Opportunity"


class DeleteAction(models.TextChoices):
    NOTHING = "nothing", "Do nothing in Salesforce"
    UNLINK = "unlink", "Forget the link only"
    DELETE = "delete", "Delete the Salesforce record"


class ExportMode(models.TextChoices):
    UPDATE_ONLY = "update", "Update only (records never imported are skipped)"
    UPSERT = "upsert", "Upsert (create in BigCommerce when nothing matches)"


class ExportDeleteAction(models.TextChoices):
    NOTHING = "nothing", "Do nothing in BigCommerce"
    CLEAR = "clear", "Clear the mapped fields in BigCommerce"
    DELETE = "delete", "Delete the BigCommerce record"


class ConflictRule(models.TextChoices):
    NEWEST = "newest", "Newest change wins"
    SALESFORCE = "salesforce", "Salesforce wins"
    BIGCOMMERCE = "bigcommerce", "BigCommerce wins"


class MultipleMatches(models.TextChoices):
    SKIP = "skip", "Skip the record and log it"
    OLDEST = "oldest", "Update the oldest match"


class ObjectSetting(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="object_settings")
    source = models.CharField(max_length=16, choices=SourceObject.choices)
    enabled = models.BooleanField(default=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.IMPORT)
    realtime = models.BooleanField("real-time (webhooks)", default=True)
    order_target = models.CharField(
        max_length=16, choices=OrderTarget.choices, default=OrderTarget.ORDER
    )
    variants_as_products = models.BooleanField(default=False)
    custom_price_book = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="Name of a custom price book to add prices to, after the standard one.",
    )
    external_id_field = models.CharField(
        max_length=80,
        blank=True,
        default="BigCommerce_ID__c",
        help_text="Upsert by this external ID field where the target object has it.",
    )
    category_parent_field = models.CharField(
        max_length=80,
        blank=True,
        default="Parent__c",
        help_text="Lookup field of the category object that points to the parent category.",
    )
    campaign_field = models.CharField(
        "Campaign field",
        max_length=80,
        default="BigCommerce_Coupon_Revenue__c",
        help_text="The currency or number field of Campaign that takes a code's revenue of the "
        "day, such as BigCommerce_Coupon_Revenue__c or ExpectedRevenue.",
    )
    on_delete = models.CharField(
        max_length=8, choices=DeleteAction.choices, default=DeleteAction.NOTHING
    )
    multiple_matches = models.CharField(
        max_length=8, choices=MultipleMatches.choices, default=MultipleMatches.SKIP
    )
    export_mode = models.CharField(
        max_length=8, choices=ExportMode.choices, default=ExportMode.UPDATE_ONLY
    )
    export_on_delete = models.CharField(
        "when deleted in Salesforce",
        max_length=8,
        choices=ExportDeleteAction.choices,
        default=ExportDeleteAction.NOTHING,
    )
    conflict_rule = models.CharField(
        "when both sides changed a field",
        max_length=12,
        choices=ConflictRule.choices,
        default=ConflictRule.NEWEST,
    )
    condition_mode = models.CharField(
        max_length=3, choices=[("all", "All"), ("any", "Any")], default="all"
    )
    condition_action = models.CharField(
        max_length=5,
        choices=[("allow", "Sync only what matches"), ("stop", "Skip what matches")],
        default="allow",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "source"], name="object_setting_unique_per_store"
            )
        ]
        ordering = ["store", "source"]

    def __str__(self):
        return f"{self.store}: {self.get_source_display()}"

    def target_objects(self) -> list[str]:
        """The sObjects this object writes, parents before children."""
        return targets_for(self)

    def rules_for(self, target_object: str) -> list[transform.Rule]:
        rows = self.field_mappings.filter(target_object=target_object).exclude(
            direction=Direction.EXPORT
        )
        return [m.as_rule() for m in rows]

    @property
    def exports(self) -> bool:
        return self.direction in (Direction.EXPORT, Direction.BOTH)

    @property
    def imports(self) -> bool:
        return self.direction in (Direction.IMPORT, Direction.BOTH)

    def conditions_for(self, direction: str) -> list[conditions.Condition]:
        rows = self.conditions.filter(direction__in=[direction, Direction.BOTH])
        return [c.as_condition() for c in rows]

    def passes(self, record: dict, direction: str = Direction.IMPORT) -> bool:
        return conditions.passes(
            record,
            self.conditions_for(direction),
            mode=self.condition_mode,
            action=self.condition_action,
        )


def targets_for(setting: ObjectSetting) -> list[str]:
    if setting.source == SourceObject.ORDER:
        targets = {
            OrderTarget.ORDER: ["Order", "OrderItem"],
            OrderTarget.OPPORTUNITY: ["Opportunity", "OpportunityLineItem"],
        }
        return targets.get(setting.order_target) or [
            *targets[OrderTarget.ORDER],
            *targets[OrderTarget.OPPORTUNITY],
        ]
    if setting.source == SourceObject.CATEGORY:
        mapped = setting.field_mappings.values_list("target_object", flat=True).first()
        return [mapped or "BigCommerce_Category__c"]
    return DEFAULT_TARGETS[setting.source]


DEFAULT_TARGETS = {
    SourceObject.CUSTOMER: ["Account", "Contact"],
    SourceObject.GUEST: ["Account", "Contact"],
    SourceObject.PRODUCT: ["Product2", "PricebookEntry"],
    SourceObject.REFUND: ["Case"],
    SourceObject.COUPON_REVENUE: ["Campaign"],
}


class FieldMapping(models.Model):
    KINDS = [
        ("field", "Source field"),
        ("constant", "Constant"),
        ("template", "Template"),
        ("lookup", "Lookup table"),
    ]
    CONVERSIONS = [("", "As it is")] + [(name, name.capitalize()) for name in CONVERTERS]

    setting = models.ForeignKey(
        ObjectSetting, on_delete=models.CASCADE, related_name="field_mappings"
    )
    target_object = models.CharField(max_length=80)
    target_field = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=KINDS, default="field")
    source = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text="A path such as billing_address.email, a constant, or "
        "a template such as {first_name} {last_name}.",
    )
    lookup = models.JSONField(default=dict, blank=True)
    convert = models.CharField(max_length=16, choices=CONVERSIONS, blank=True, default="")
    default = models.CharField(max_length=255, blank=True, default="")
    required = models.BooleanField(default=False)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.BOTH)
    export_path = models.CharField(
        "export to",
        max_length=255,
        blank=True,
        default="",
        help_text="The BigCommerce field that takes the Salesforce value on export, for "
        "templates and constants (other kinds write back to their source path).",
    )
    export_default = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The BigCommerce value to write when the lookup table has no entry for the "
        "Salesforce value (else the record fails).",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target_object", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "target_object", "target_field"],
                name="field_mapping_one_per_target_field",
            )
        ]

    def __str__(self):
        return f"{self.target_object}.{self.target_field} ← {self.source}"

    def as_rule(self) -> transform.Rule:
        return transform.Rule(
            target=self.target_field,
            kind=self.kind,
            source=self.source,
            lookup=self.lookup or {},
            convert=self.convert,
            default=self.default,
            required=self.required,
        )


class OperatorChoices:
    CHOICES = list(conditions.OPERATORS.items())


class RecordTypeMapping(models.Model):
    setting = models.ForeignKey(
        ObjectSetting, on_delete=models.CASCADE, related_name="record_type_mappings"
    )
    target_object = models.CharField(max_length=80)
    path = models.CharField(max_length=255)
    operator = models.CharField(max_length=16, choices=OperatorChoices.CHOICES, default="eq")
    value = models.CharField(max_length=255, blank=True, default="")
    record_type = models.CharField(max_length=80, help_text="Developer name of the record type.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target_object", "position", "pk"]

    def __str__(self):
        condition = f"{self.path} {self.get_operator_display()} {self.value}".strip()
        return f"{self.target_object} record type {self.record_type} if {condition}"

    def as_rule(self) -> conditions.RecordTypeRule:
        return conditions.RecordTypeRule(
            conditions.Condition(self.path, self.operator, self.value), self.record_type
        )


class MatchingRule(models.Model):
    """How to find an existing Salesforce record when no link and no external ID decides.

    `fields` pairs source paths with target fields, all of which must be equal: [["email",
    "Email"]], or [["email", "Email"], ["last_name", "LastName"]]. Rules are tried in order.
    """

    setting = models.ForeignKey(
        ObjectSetting, on_delete=models.CASCADE, related_name="matching_rules"
    )
    target_object = models.CharField(max_length=80)
    fields = models.JSONField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target_object", "position", "pk"]

    def __str__(self):
        pairs = " + ".join(f"{source}={target}" for source, target in self.fields)
        return f"{self.target_object} by {pairs}"


class SyncCondition(models.Model):
    setting = models.ForeignKey(ObjectSetting, on_delete=models.CASCADE, related_name="conditions")
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.IMPORT)
    path = models.CharField(max_length=255)
    operator = models.CharField(max_length=16, choices=OperatorChoices.CHOICES, default="eq")
    value = models.CharField(max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.path} {self.get_operator_display()} {self.value}".strip()

    def as_condition(self) -> conditions.Condition:
        return conditions.Condition(self.path, self.operator, self.value)


class CouponCampaign(models.Model):
    """A BigCommerce coupon code and the Salesforce Campaign its revenue of the day goes to:
    the coupon revenue object's lookup table. Codes are compared without case, as BigCommerce
    does at checkout; each code and each Campaign appear once per store."""

    setting = models.ForeignKey(
        ObjectSetting, on_delete=models.CASCADE, related_name="coupon_campaigns"
    )
    code = models.CharField("coupon code", max_length=50)
    campaign_id = models.CharField("Campaign Id", max_length=18)
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"), "setting", name="coupon_campaign_one_row_per_code"
            ),
            models.UniqueConstraint(
                fields=["setting", "campaign_id"], name="coupon_campaign_one_code_per_campaign"
            ),
        ]

    def __str__(self):
        return f"{self.code} → Campaign {self.campaign_id}"

    @property
    def key(self) -> str:
        return coupon_key(self.code)


def coupon_key(code: str) -> str:
    """How a coupon code is compared and named in the log: trimmed, in capitals."""
    return code.strip().upper()


class RejectedSuggestion(models.Model):
    """A suggested field mapping an admin turned down: not suggested again for the store."""

    setting = models.ForeignKey(
        ObjectSetting, on_delete=models.CASCADE, related_name="rejected_suggestions"
    )
    target_object = models.CharField(max_length=80)
    target_field = models.CharField(max_length=80)
    source = models.CharField(max_length=500)
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "target_object", "target_field", "source"],
                name="rejected_suggestion_once",
            )
        ]

    def __str__(self):
        return f"{self.target_object}.{self.target_field} ← {self.source} (rejected)"
