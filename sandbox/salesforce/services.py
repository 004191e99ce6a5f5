"""What the console, the commands and the tests do to emulated orgs.

`provision_org` makes an org ready for the connector: the standard schema, the standard price
book, Account record types, an integration user, a connected app (consumer key and secret, an
RSA key pair and certificate for the JWT flow) and the demo customisations (a unique external ID
field `BigCommerce_ID__c` on the objects the connector writes, a category object, the
customer tier picklist `Account.Customer_Tier__c`, and the currency field
`Campaign.BigCommerce_Coupon_Revenue__c` that coupon revenue goes to).
"""

import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils.text import slugify

from sandbox.faults import NO_FAULTS
from sandbox.salesforce import ids
from sandbox.salesforce.auth import expire_sessions
from sandbox.salesforce.context import CallContext
from sandbox.salesforce.custom_schema import (
    API_NAME,
    SchemaError,
    define_custom_field,
    define_custom_object,
    load_schema,
)
from sandbox.salesforce.dml import Writer
from sandbox.salesforce.limits import set_daily_limit
from sandbox.salesforce.models import ConnectedApp, Org, OrgUser, Record
from sandbox.salesforce.standard_objects import STANDARD_OBJECTS
from sandbox.salesforce.values import format_datetime, now

__all__ = [
    "SandboxOrgCredentials",
    "SchemaError",
    "all_orgs",
    "create_records",
    "define_custom_field",
    "define_custom_object",
    "define_record_type",
    "delete_records",
    "expire_sessions",
    "provision_org",
    "sales_user",
    "set_daily_api_limit",
    "set_duplicate_rules",
    "update_records",
]

EXTERNAL_ID_OBJECTS = ("Account", "Contact", "Product2", "Order", "Opportunity", "Case")
ACCOUNT_RECORD_TYPES = (("Business", "Business"), ("Wholesale", "Wholesale"))
CATEGORY_OBJECT = "BigCommerce_Category__c"
CUSTOMER_TIER_FIELD = "Customer_Tier__c"
CUSTOMER_TIERS = ("Standard", "Gold", "VIP")
COUPON_REVENUE_FIELD = "BigCommerce_Coupon_Revenue__c"
TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a path, not a secret
AUTHORIZE_PATH = "/services/oauth2/authorize"
ALPHANUMERIC = string.ascii_letters + string.digits
SALES_LOGIN = "sales"


@dataclass
class SandboxOrgCredentials:
    org_id: str
    name: str
    token_path: str
    authorize_path: str
    client_id: str
    client_secret: str
    username: str
    password: str
    security_token: str
    private_key_pem: str
    certificate_pem: str
    user_id: str
    org: Org = field(repr=False, compare=False)


def all_orgs():
    return Org.objects.all()


def _random_text(length: int, alphabet: str = ALPHANUMERIC) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


@transaction.atomic
def provision_org(
    *,
    name: str = "Sandbox org",
    client_id: str | None = None,
    client_secret: str | None = None,
    username: str | None = None,
    password: str | None = None,
    security_token: str | None = None,
    rotate_refresh_tokens: bool = False,
) -> SandboxOrgCredentials:
    """Create the org named `name`, or find it; credentials given here replace the stored ones.

    Raises ValueError if the consumer key or the username belongs to another org's app or user.
    """
    org = Org.objects.filter(name=name).first()
    if org is None:
        org = _create_org(name)
    else:
        _define_later_fields(org)  # orgs provisioned before these fields were in the demo
    user = _integration_user(org)
    app = ConnectedApp.objects.filter(org=org).order_by("pk").first()
    _ensure_free(ConnectedApp, "consumer_key", client_id, app)
    _ensure_free(OrgUser, "username", username, user)
    _apply(user, username=username, password=password, security_token=security_token)
    _apply(app, consumer_key=client_id, consumer_secret=client_secret)
    if app.rotate_refresh_tokens != rotate_refresh_tokens:
        app.rotate_refresh_tokens = rotate_refresh_tokens
        app.save(update_fields=["rotate_refresh_tokens"])
    return SandboxOrgCredentials(
        org_id=org.org_id,
        name=org.name,
        token_path=TOKEN_PATH,
        authorize_path=AUTHORIZE_PATH,
        client_id=app.consumer_key,
        client_secret=app.consumer_secret,
        username=user.username,
        password=user.password,
        security_token=user.security_token,
        private_key_pem=app.private_key_pem,
        certificate_pem=app.certificate_pem,
        user_id=user.user_id,
        org=org,
    )


def _ensure_free(model, field_name: str, value, own_row) -> None:
    taken = model.objects.filter(**{field_name: value}).exclude(pk=own_row.pk)
    if value is not None and taken.exists():
        raise ValueError(f"Another emulated org already uses the {field_name} {value!r}.")


def _apply(row, **values) -> None:
    changed = [
        name for name, value in values.items() if value is not None and getattr(row, name) != value
    ]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
        if isinstance(row, OrgUser) and "username" in changed:
            _rename_user_record(row)


def _rename_user_record(user: OrgUser) -> None:
    record = Record.objects.get(record_id=user.user_id)
    record.data["Username"] = user.username
    record.save(update_fields=["data"])


def _create_org(name: str) -> Org:
    org = Org.objects.create(name=name, org_id=f"pending-{secrets.token_hex(4)}")
    org.org_id = ids.org_id_for(org.pk)
    org.save(update_fields=["org_id"])
    user = _create_integration_user(org)
    _create_connected_app(org, user)
    pricebook = insert_system_record(
        org,
        "Pricebook2",
        {"Name": "Standard Price Book", "IsActive": True, "IsStandard": True},
        user.user_id,
    )
    org.standard_pricebook_id = pricebook
    org.save(update_fields=["standard_pricebook_id"])
    for label, developer_name in ACCOUNT_RECORD_TYPES:
        insert_system_record(
            org,
            "RecordType",
            {
                "Name": label,
                "DeveloperName": developer_name,
                "SobjectType": "Account",
                "IsActive": True,
            },
            user.user_id,
        )
    _define_demo_schema(org)
    return org


def insert_system_record(org: Org, object_name: str, values: dict, creator_id: str | None) -> str:
    """Store a record the sandbox manages (users, record types, the standard price book).

    A record without a creator (the first user) is its own creator.
    """
    prefix = next(s.key_prefix for s in STANDARD_OBJECTS if s.name == object_name)
    record_id = ids.new_ids(org, prefix, 1)[0]
    moment = now()
    stamp = format_datetime(moment)
    data = {
        "Id": record_id,
        "IsDeleted": False,
        "CreatedDate": stamp,
        "CreatedById": creator_id or record_id,
        "LastModifiedDate": stamp,
        "LastModifiedById": creator_id or record_id,
        "SystemModstamp": stamp,
        **values,
    }
    Record.objects.create(
        org=org, object_name=object_name, record_id=record_id, data=data, system_modstamp=moment
    )
    return record_id


def _create_integration_user(org: Org) -> OrgUser:
    return _create_user(org, "integration", "Integration", "integ", creator_id=None)


def _create_user(org: Org, login: str, first_name: str, alias: str, creator_id) -> OrgUser:
    username = f"{login}@{slugify(org.name) or 'org'}-{org.pk}.sandbox.example"
    profile = {
        "Username": username,
        "FirstName": first_name,
        "LastName": "User",
        "Name": f"{first_name} User",
        "Email": username,
        "Alias": alias,
        "IsActive": True,
        "TimeZoneSidKey": "GMT",
        "LocaleSidKey": "en_US",
        "LanguageLocaleKey": "en_US",
    }
    user_id = insert_system_record(org, "User", profile, creator_id=creator_id)
    return OrgUser.objects.create(
        org=org,
        user_id=user_id,
        username=username,
        password=_random_text(16),
        security_token=_random_text(24),
    )


def _create_connected_app(org: Org, user: OrgUser) -> ConnectedApp:
    private_key, certificate = _key_pair(org.name)
    return ConnectedApp.objects.create(
        org=org,
        name="BigCommerce Connector",
        consumer_key="3MVG9" + _random_text(80, ALPHANUMERIC + "._"),
        consumer_secret=_random_text(64, string.digits + "ABCDEF"),
        certificate_pem=certificate,
        private_key_pem=private_key,
        run_as=user,
    )


def _key_pair(common_name: str) -> tuple[str, str]:
    """A new RSA key (PKCS#8 PEM) and a self-signed certificate for it (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "sandbox")])
    start = datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=730))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return private_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def _define_demo_schema(org: Org) -> None:
    for object_name in EXTERNAL_ID_OBJECTS:
        define_custom_field(
            org,
            object_name,
            "BigCommerce_ID__c",
            "text",
            external_id=True,
            unique=True,
            label="BigCommerce ID",
        )
    define_custom_object(
        org, CATEGORY_OBJECT, "BigCommerce Category", plural_label="BigCommerce Categories"
    )
    define_custom_field(
        org,
        CATEGORY_OBJECT,
        "BigCommerce_ID__c",
        "text",
        external_id=True,
        unique=True,
        label="BigCommerce ID",
    )
    define_custom_field(
        org, CATEGORY_OBJECT, "Parent__c", "lookup", reference_to=CATEGORY_OBJECT, label="Parent"
    )
    define_custom_field(org, CATEGORY_OBJECT, "Description__c", "textarea", label="Description")
    _define_later_fields(org)


def _define_later_fields(org: Org) -> None:
    """Demo fields added after the first orgs were provisioned: each is defined if missing."""
    schema = load_schema(org)
    if schema.get("Account").field(CUSTOMER_TIER_FIELD) is None:
        # The Account field the default export mapping turns into a BigCommerce customer group.
        define_custom_field(
            org,
            "Account",
            CUSTOMER_TIER_FIELD,
            "picklist",
            picklist_values=list(CUSTOMER_TIERS),
            label="Customer Tier",
        )
    if schema.get("Campaign").field(COUPON_REVENUE_FIELD) is None:
        # Where the coupon revenue object writes a code's revenue of the day by default.
        define_custom_field(
            org, "Campaign", COUPON_REVENUE_FIELD, "currency", label="BigCommerce Coupon Revenue"
        )


def set_duplicate_rules(org: Org, rules: list[dict]) -> None:
    """Replace the org's duplicate rules, e.g. [{"object": "Contact", "fields": ["Email"]}]."""
    for rule in rules:
        if not rule.get("object") or not rule.get("fields"):
            raise SchemaError("A duplicate rule needs an object and at least one field.")
        if rule.get("action", "block") not in ("block", "alert"):
            raise SchemaError("A duplicate rule's action is block or alert.")
    Org.objects.filter(pk=org.pk).update(duplicate_rules=rules)
    org.duplicate_rules = rules


def set_daily_api_limit(org: Org, limit: int) -> None:
    if limit < 1:
        raise ValueError("The daily API request limit must be at least 1.")
    set_daily_limit(org, limit)


@transaction.atomic
def create_records(org: Org, object_name: str, rows: list[dict]) -> list[str]:
    """Insert records as the org's integration user, through the API's checks; returns their Ids.

    Raises SchemaError for an unknown object and ValueError (saving nothing) if any is refused.
    """
    ctx, schema = _acting_as(org, _integration_user(org), object_name)
    return _write_all(
        object_name, rows, lambda chunk: _all_or_none(ctx).create([(schema, r) for r in chunk])
    )


@transaction.atomic
def update_records(
    org: Org, object_name: str, rows: list[dict], user: OrgUser | None = None
) -> list[str]:
    """Change records as a person would in Salesforce: the org's Sales user unless `user` says
    who. Each row carries the record's `Id` and the fields to change; returns the Ids.

    The change goes through the API's write path, so SystemModstamp, LastModifiedDate and
    LastModifiedById move exactly as for a REST update. Raises SchemaError for an unknown
    object and ValueError (saving nothing) if any is refused.
    """
    ctx, schema = _acting_as(org, user or sales_user(org), object_name)

    def update(chunk: list[dict]):
        items = [(schema, row.get("Id"), _without_id(row)) for row in chunk]
        return _all_or_none(ctx).update(items)

    return _write_all(object_name, rows, update)


@transaction.atomic
def delete_records(
    org: Org, object_name: str, record_ids: list[str], user: OrgUser | None = None
) -> list[str]:
    """Delete records (to the Recycle Bin) as the org's Sales user unless `user` says who;
    returns the Ids. Raises as `update_records` does."""
    ctx, _schema = _acting_as(org, user or sales_user(org), object_name)
    return _write_all(object_name, record_ids, lambda chunk: _all_or_none(ctx).delete(chunk))


def sales_user(org: Org) -> OrgUser:
    """The org's second user, a person working in Salesforce (not the connector); created on
    first use."""
    username = f"{SALES_LOGIN}@{slugify(org.name) or 'org'}-{org.pk}.sandbox.example"
    found = OrgUser.objects.filter(org=org, username=username).first()
    if found is not None:
        return found
    return _create_user(org, SALES_LOGIN, "Sales", "sales", _integration_user(org).user_id)


def _integration_user(org: Org) -> OrgUser:
    return OrgUser.objects.filter(org=org).order_by("pk").first()


def _acting_as(org: Org, user: OrgUser, object_name: str):
    """A call context of `user` in the org, and the object's schema."""
    org.refresh_from_db(fields=["schema_version"])
    ctx = CallContext(org=org, user=user, app=None, plan=NO_FAULTS, base_url="", version="62.0")
    schema = ctx.schema.get(object_name)
    if schema is None:
        raise SchemaError(f"There is no object {object_name!r} in {org.name}.")
    return ctx, schema


def _all_or_none(ctx: CallContext) -> Writer:
    return Writer(ctx, all_or_none=True)


def _without_id(row: dict) -> dict:
    return {name: value for name, value in row.items() if name.lower() != "id"}


def _write_all(object_name: str, items: list, write) -> list[str]:
    """Write the items 200 at a time, each chunk all or none; the Ids of the results."""
    written = []
    for start in range(0, len(items), 200):
        results = write(items[start : start + 200])
        causes = [
            result.errors[0]
            for result in results
            if not result.success and result.errors[0].code != "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        ]
        if causes:
            raise ValueError(f"{object_name} refused: {causes[0].code}: {causes[0].message}")
        written.extend(result.id for result in results)
    return written


@transaction.atomic
def define_record_type(
    org: Org, object_name: str, label: str, *, developer_name: str | None = None, active=True
) -> str:
    """Add a record type to an object that has record types; returns its Id."""
    schema = load_schema(org).get(object_name)
    if schema is None or not schema.record_types:
        raise SchemaError(f"{object_name} has no record types in this emulator.")
    developer_name = developer_name or re.sub(r"\W+", "_", label.strip()).strip("_")
    if not API_NAME.match(developer_name + "__c"):
        raise SchemaError(f"{developer_name!r} is not a valid record type name.")
    taken = Record.objects.filter(
        org=org,
        object_name="RecordType",
        data__SobjectType=schema.name,
        data__DeveloperName=developer_name,
    )
    if taken.exists():
        raise SchemaError(f"{schema.name} already has a record type named {developer_name}.")
    user = _integration_user(org)
    values = {
        "Name": label.strip(),
        "DeveloperName": developer_name,
        "SobjectType": schema.name,
        "IsActive": active,
    }
    return insert_system_record(org, "RecordType", values, user.user_id)
