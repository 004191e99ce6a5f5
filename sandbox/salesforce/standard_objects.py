"""The standard objects a commerce connector writes, with their usual fields.

Required fields follow the object reference where FACTS.md cites it (Account.Name,
Contact.LastName, Pricebook2.Name, PricebookEntry's price book, product and price, Order's
account, start date and status, Opportunity's name, stage and close date). For Product2 and
Case the object reference was not read; the emulator requires what an org's describe shows by
default (Product2.Name; nothing on Case). Campaign has the writable fields of Salesforce's
Campaign object reference (Name required, Status defaulting to Planned, its Type values, costs,
expected revenue and response, number sent); its read-only roll-ups (NumberOfLeads,
AmountWonOpportunities...) are left out.
"""

from dataclasses import replace

from sandbox.salesforce.schema import FieldSpec, ObjectSchema, label_for


def _spec(name, type_, label=None, **options) -> FieldSpec:
    return FieldSpec(name=name, label=label or label_for(name), type=type_, **options)


def text(name, length=255, **options):
    return _spec(name, "string", length=length, **options)


def textarea(name, length=32000, **options):
    return _spec(name, "textarea", length=length, **options)


def email(name, **options):
    return _spec(name, "email", length=80, **options)


def phone(name, **options):
    return _spec(name, "phone", length=40, **options)


def url(name, **options):
    return _spec(name, "url", length=255, **options)


def picklist(name, values, *, default=None, restricted=False, **options):
    return _spec(
        name,
        "picklist",
        length=255,
        picklist=tuple(values),
        restricted=restricted,
        default_value=default,
        defaulted_on_create=default is not None,
        **options,
    )


def boolean(name, default=False, **options):
    return _spec(
        name, "boolean", nillable=False, defaulted_on_create=True, default_value=default, **options
    )


def currency(name, **options):
    return _spec(name, "currency", precision=18, scale=2, **options)


def number(name, scale=2, **options):
    return _spec(name, "double", precision=18, scale=scale, **options)


def integer(name, **options):
    return _spec(name, "int", precision=9, **options)


def percent(name, **options):
    return _spec(name, "percent", precision=3, scale=0, **options)


def date(name, **options):
    return _spec(name, "date", **options)


def datetime(name, **options):
    return _spec(name, "datetime", **options)


def lookup(name, target, relationship, **options):
    return _spec(
        name,
        "reference",
        length=18,
        reference_to=(target,),
        relationship_name=relationship,
        **options,
    )


def required(spec: FieldSpec) -> FieldSpec:
    return replace(spec, nillable=False)


def readonly(spec: FieldSpec) -> FieldSpec:
    return replace(spec, createable=False, updateable=False)


def fixed_after_create(spec: FieldSpec) -> FieldSpec:
    return replace(spec, updateable=False)


def auto_number(name):
    return readonly(text(name, 30, auto_number=True, nillable=False, defaulted_on_create=True))


def system_fields(*, owner: bool) -> list[FieldSpec]:
    audit = dict(nillable=False, defaulted_on_create=True)
    fields = [
        readonly(_spec("Id", "id", label="Record ID", length=18, **audit)),
        readonly(boolean("IsDeleted", label="Deleted")),
        readonly(datetime("CreatedDate", **audit)),
        readonly(lookup("CreatedById", "User", "CreatedBy", **audit)),
        readonly(datetime("LastModifiedDate", **audit)),
        readonly(lookup("LastModifiedById", "User", "LastModifiedBy", **audit)),
        readonly(datetime("SystemModstamp", label="System Modstamp", **audit)),
    ]
    if owner:
        fields.append(lookup("OwnerId", "User", "Owner", nillable=False, defaulted_on_create=True))
    return fields


def address(prefix: str) -> list[FieldSpec]:
    return [
        textarea(f"{prefix}Street", 255),
        text(f"{prefix}City", 40),
        text(f"{prefix}State", 80),
        text(f"{prefix}PostalCode", 20),
        text(f"{prefix}Country", 80),
    ]


def standard_object(
    name, key_prefix, fields, *, label=None, plural=None, owner=True, record_types=False, **flags
):
    specs = system_fields(owner=owner) + fields
    if record_types:
        specs.append(lookup("RecordTypeId", "RecordType", "RecordType"))
    label = label or label_for(name)
    return ObjectSchema(
        name=name,
        label=label,
        label_plural=plural or f"{label}s",
        key_prefix=key_prefix,
        fields={spec.name: spec for spec in specs},
        record_types=record_types,
        **flags,
    )


def person_name_fields() -> list[FieldSpec]:
    return [
        picklist("Salutation", ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]),
        text("FirstName", 40),
        required(text("LastName", 80)),
        readonly(text("Name", 121, label="Full Name", name_field=True)),
    ]


INDUSTRIES = ["Apparel", "Consulting", "Education", "Retail", "Technology", "Wholesale", "Other"]
LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
OPPORTUNITY_STAGES = {
    "Prospecting": 10,
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 50,
    "Id. Decision Makers": 60,
    "Perception Analysis": 70,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
}

ACCOUNT = standard_object(
    "Account",
    "001",
    [
        required(text("Name", 255, label="Account Name", name_field=True)),
        text("AccountNumber", 40),
        picklist("Type", ["Prospect", "Customer - Direct", "Customer - Channel", "Other"]),
        picklist("Industry", INDUSTRIES),
        lookup("ParentId", "Account", "Parent"),
        *address("Billing"),
        *address("Shipping"),
        phone("Phone"),
        phone("Fax"),
        url("Website"),
        text("Site", 80, label="Account Site"),
        currency("AnnualRevenue"),
        integer("NumberOfEmployees", label="Employees"),
        picklist("AccountSource", LEAD_SOURCES),
        textarea("Description"),
    ],
    record_types=True,
)

CONTACT = standard_object(
    "Contact",
    "003",
    [
        *person_name_fields(),
        lookup("AccountId", "Account", "Account", cascade_delete=True),
        email("Email"),
        phone("Phone"),
        phone("MobilePhone"),
        phone("HomePhone"),
        text("Title", 128),
        text("Department", 80),
        date("Birthdate"),
        *address("Mailing"),
        *address("Other"),
        picklist("LeadSource", LEAD_SOURCES),
        boolean("HasOptedOutOfEmail", label="Email Opt Out"),
        textarea("Description"),
    ],
    record_types=True,
)

LEAD = standard_object(
    "Lead",
    "00Q",
    [
        *person_name_fields(),
        required(text("Company", 255)),
        email("Email"),
        phone("Phone"),
        phone("MobilePhone"),
        text("Title", 128),
        required(
            picklist(
                "Status",
                ["Open - Not Contacted", "Working - Contacted", "Closed - Converted"],
                default="Open - Not Contacted",
                label="Lead Status",
            )
        ),
        picklist("LeadSource", LEAD_SOURCES),
        picklist("Industry", INDUSTRIES),
        *address(""),
        url("Website"),
        readonly(boolean("IsConverted", label="Converted")),
        textarea("Description"),
    ],
    record_types=True,
)

PRODUCT2 = standard_object(
    "Product2",
    "01t",
    [
        required(text("Name", 255, label="Product Name", name_field=True)),
        text("ProductCode", 255),
        textarea("Description", 4000, label="Product Description"),
        boolean("IsActive", label="Active"),
        picklist("Family", ["None", "Hardware", "Software", "Apparel", "Accessories"]),
        text("StockKeepingUnit", 180, label="Product SKU"),
        url("DisplayUrl"),
        text("QuantityUnitOfMeasure", 255),
    ],
    label="Product",
    record_types=True,
)

PRICEBOOK2 = standard_object(
    "Pricebook2",
    "01s",
    [
        required(text("Name", 255, label="Price Book Name", name_field=True)),
        boolean("IsActive", label="Active"),
        readonly(boolean("IsStandard", label="Is Standard Price Book")),
        text("Description", 255),
    ],
    label="Price Book",
    owner=False,
)

PRICEBOOK_ENTRY = standard_object(
    "PricebookEntry",
    "01u",
    [
        readonly(text("Name", 255, label="Product Name", name_field=True)),
        required(fixed_after_create(lookup("Pricebook2Id", "Pricebook2", "Pricebook2"))),
        required(fixed_after_create(lookup("Product2Id", "Product2", "Product2"))),
        required(currency("UnitPrice", label="List Price")),
        boolean("IsActive", label="Active"),
        boolean("UseStandardPrice"),
        readonly(text("ProductCode", 255)),
    ],
    label="Price Book Entry",
    plural="Price Book Entries",
    owner=False,
)

ORDER = standard_object(
    "Order",
    "801",
    [
        required(lookup("AccountId", "Account", "Account")),
        required(date("EffectiveDate", label="Order Start Date")),
        date("EndDate", label="Order End Date"),
        required(picklist("Status", ["Draft", "Activated"], default="Draft", restricted=True)),
        readonly(text("StatusCode", 40, label="Status Category")),
        lookup("Pricebook2Id", "Pricebook2", "Pricebook2"),
        auto_number("OrderNumber"),
        text("Name", 80, label="Order Name", name_field=True),
        picklist("Type", ["New", "Renewal", "Upgrade"], label="Order Type"),
        text("PoNumber", 80, label="PO Number"),
        date("PoDate", label="PO Date"),
        text("OrderReferenceNumber", 80),
        lookup("BillToContactId", "Contact", "BillToContact"),
        lookup("ShipToContactId", "Contact", "ShipToContact"),
        *address("Billing"),
        *address("Shipping"),
        readonly(currency("TotalAmount", label="Order Amount")),
        readonly(datetime("ActivatedDate")),
        textarea("Description"),
    ],
    record_types=True,
)

ORDER_ITEM = standard_object(
    "OrderItem",
    "802",
    [
        required(fixed_after_create(lookup("OrderId", "Order", "Order", cascade_delete=True))),
        required(
            fixed_after_create(lookup("PricebookEntryId", "PricebookEntry", "PricebookEntry"))
        ),
        fixed_after_create(lookup("Product2Id", "Product2", "Product2")),
        required(number("Quantity")),
        required(currency("UnitPrice")),
        readonly(currency("ListPrice")),
        readonly(currency("TotalPrice")),
        auto_number("OrderItemNumber"),
        date("ServiceDate", label="Start Date"),
        date("EndDate"),
        text("Description", 255, label="Line Description"),
    ],
    label="Order Product",
    owner=False,
)

OPPORTUNITY = standard_object(
    "Opportunity",
    "006",
    [
        required(text("Name", 120, label="Opportunity Name", name_field=True)),
        lookup("AccountId", "Account", "Account", cascade_delete=True),
        required(picklist("StageName", list(OPPORTUNITY_STAGES), restricted=True, label="Stage")),
        required(date("CloseDate")),
        currency("Amount"),
        percent("Probability", label="Probability (%)", defaulted_on_create=True),
        picklist("Type", ["Existing Business", "New Business"], label="Opportunity Type"),
        picklist("LeadSource", LEAD_SOURCES),
        text("NextStep", 255),
        lookup("Pricebook2Id", "Pricebook2", "Pricebook2"),
        readonly(boolean("IsClosed", label="Closed")),
        readonly(boolean("IsWon", label="Won")),
        textarea("Description"),
    ],
    record_types=True,
)

OPPORTUNITY_LINE_ITEM = standard_object(
    "OpportunityLineItem",
    "00k",
    [
        required(
            fixed_after_create(
                lookup("OpportunityId", "Opportunity", "Opportunity", cascade_delete=True)
            )
        ),
        required(
            fixed_after_create(lookup("PricebookEntryId", "PricebookEntry", "PricebookEntry"))
        ),
        fixed_after_create(lookup("Product2Id", "Product2", "Product2")),
        readonly(text("Name", 376, label="Opportunity Product Name", name_field=True)),
        required(number("Quantity")),
        currency("UnitPrice", label="Sales Price"),
        currency("TotalPrice"),
        readonly(currency("ListPrice")),
        date("ServiceDate", label="Date"),
        text("Description", 255, label="Line Description"),
    ],
    label="Opportunity Product",
    owner=False,
)

CASE = standard_object(
    "Case",
    "500",
    [
        auto_number("CaseNumber"),
        text("Subject", 255),
        textarea("Description"),
        picklist(
            "Status", ["New", "Working", "Escalated", "Closed"], default="New", restricted=True
        ),
        picklist("Priority", ["High", "Medium", "Low"], default="Medium"),
        picklist("Origin", ["Phone", "Email", "Web"], label="Case Origin"),
        picklist("Reason", ["Installation", "Performance", "Breakdown", "Feedback", "Other"]),
        picklist("Type", ["Question", "Problem", "Feature Request", "Return"]),
        lookup("AccountId", "Account", "Account"),
        lookup("ContactId", "Contact", "Contact"),
        lookup("ParentId", "Case", "Parent"),
        email("SuppliedEmail", label="Web Email"),
        text("SuppliedName", 80, label="Web Name"),
        phone("SuppliedPhone", label="Web Phone"),
        readonly(boolean("IsClosed", label="Closed")),
        readonly(datetime("ClosedDate")),
    ],
    record_types=True,
)

CAMPAIGN_TYPES = [
    "Conference",
    "Webinar",
    "Trade Show",
    "Public Relations",
    "Partners",
    "Referral Program",
    "Advertisement",
    "Banner Ads",
    "Direct Mail",
    "Email",
    "Telemarketing",
    "Other",
]
CAMPAIGN = standard_object(
    "Campaign",
    "701",
    [
        required(text("Name", 80, label="Campaign Name", name_field=True)),
        picklist("Status", ["Planned", "In Progress", "Completed", "Aborted"], default="Planned"),
        picklist("Type", CAMPAIGN_TYPES),
        date("StartDate"),
        date("EndDate"),
        boolean("IsActive", label="Active"),
        currency("ExpectedRevenue", label="Expected Revenue in Campaign"),
        currency("BudgetedCost", label="Budgeted Cost in Campaign"),
        currency("ActualCost", label="Actual Cost in Campaign"),
        percent("ExpectedResponse", label="Expected Response (%)"),
        number("NumberSent", scale=0, label="Num Sent in Campaign"),
        lookup("ParentId", "Campaign", "Parent"),
        textarea("Description"),
    ],
    record_types=True,
)

# Record types and users are managed by the sandbox (provisioning), not through the API.
RECORD_TYPE = standard_object(
    "RecordType",
    "012",
    [
        readonly(text("Name", 80, label="Record Type Label", name_field=True)),
        readonly(text("DeveloperName", 80, label="Record Type Name")),
        readonly(text("SobjectType", 40, label="Object")),
        readonly(boolean("IsActive", label="Active")),
        readonly(text("Description", 255)),
    ],
    owner=False,
    createable=False,
    updateable=False,
    deletable=False,
)

USER = standard_object(
    "User",
    "005",
    [
        readonly(text("Username", 80)),
        readonly(text("FirstName", 40)),
        readonly(text("LastName", 80)),
        readonly(text("Name", 121, label="Full Name", name_field=True)),
        readonly(email("Email")),
        readonly(text("Alias", 8)),
        readonly(boolean("IsActive", label="Active")),
        readonly(text("TimeZoneSidKey", 40, label="Time Zone")),
        readonly(text("LocaleSidKey", 40, label="Locale")),
        readonly(text("LanguageLocaleKey", 40, label="Language")),
    ],
    owner=False,
    createable=False,
    updateable=False,
    deletable=False,
)

STANDARD_OBJECTS = (
    ACCOUNT,
    CONTACT,
    LEAD,
    PRODUCT2,
    PRICEBOOK2,
    PRICEBOOK_ENTRY,
    ORDER,
    ORDER_ITEM,
    OPPORTUNITY,
    OPPORTUNITY_LINE_ITEM,
    CASE,
    CAMPAIGN,
    RECORD_TYPE,
    USER,
)
