"""What a run knows while it runs: the store, its org, their clients, and per-run caches.

Mapping rows, conditions, describes, price books, record types and customer group names are
read once per run, not once per record.

A dry run (`dry_run=True`, a plan: `sync/plans.py`) reads both sides as a run does and makes
every decision, but the write stages stop before writing: nothing reaches Salesforce,
BigCommerce or the identity map. What a dry run would have linked is kept in `planned`, so an
order finds the customer a plan of the same store would create before it.
"""

from functools import cached_property

from django.core.cache import cache

from integrations.bigcommerce import reads
from integrations.bigcommerce.client import BigCommerceClient
from integrations.salesforce.client import SalesforceClient
from mappings import conditions
from mappings.models import ObjectSetting
from sync import identity
from sync.pipeline.matching import quote

GROUP_NAMES_TTL = 300
# How long "no record lacks the external ID" is believed: about as long as a run, whose own
# answer already held for the whole run, so the runs of an "Import everything" ask once.
UNCLAIMED_TTL = 60


class Context:
    def __init__(self, store, run=None, *, bc=None, sf=None, dry_run=False):
        self.store = store
        self.run = run
        self.dry_run = dry_run
        # (source type, sObject) -> {source id: Salesforce Id, None for a record to create}
        self.planned: dict[tuple[str, str], dict[str, str | None]] = {}
        self.bc = bc or BigCommerceClient.for_store(store)
        self.sf = sf or SalesforceClient.for_org(store.salesforce_org)
        self._settings: dict[str, ObjectSetting] = {}
        self._cache: dict[tuple, object] = {}

    def _once(self, key: tuple, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # --- configuration ----------------------------------------------------------------------------
    def setting(self, source: str) -> ObjectSetting:
        if source not in self._settings:
            self._settings[source] = ObjectSetting.objects.get(store=self.store, source=source)
        return self._settings[source]

    def rules(self, setting: ObjectSetting, sobject: str):
        return self._once(("rules", setting.pk, sobject), lambda: setting.rules_for(sobject))

    def conditions(self, setting: ObjectSetting, direction: str = "import"):
        return self._once(
            ("conditions", setting.pk, direction), lambda: setting.conditions_for(direction)
        )

    def passes(self, setting: ObjectSetting, record: dict, direction: str = "import") -> bool:
        return conditions.passes(
            record,
            self.conditions(setting, direction),
            mode=setting.condition_mode,
            action=setting.condition_action,
        )

    def record_type_rules(self, setting: ObjectSetting, sobject: str):
        return self._once(
            ("record_types", setting.pk, sobject),
            lambda: [
                rule.as_rule()
                for rule in setting.record_type_mappings.filter(target_object=sobject)
            ],
        )

    def matching_rules(self, setting: ObjectSetting, sobject: str) -> list:
        return self._once(
            ("matching", setting.pk, sobject),
            lambda: [rule.fields for rule in setting.matching_rules.filter(target_object=sobject)],
        )

    def uses_metafields(self, setting: ObjectSetting) -> bool:
        return self._once(
            ("metafields", setting.pk),
            lambda: (
                any(
                    "metafields." in text
                    for text in setting.field_mappings.values_list("source", flat=True)
                )
                or any(
                    path.startswith("metafields.")
                    for path in setting.conditions.values_list("path", flat=True)
                )
            ),
        )

    # --- the org ----------------------------------------------------------------------------------
    def fields_of(self, sobject: str) -> set[str]:
        return self._once(
            ("fields", sobject),
            lambda: {f["name"] for f in self.sf.describe(sobject).get("fields", [])},
        )

    def external_id_field(self, setting: ObjectSetting, sobject: str) -> str:
        name = setting.external_id_field
        return name if name and name in self.fields_of(sobject) else ""

    def may_match(self, sobject: str, ext_field: str) -> bool:
        """Whether matching rules can find anything: with an external ID field, only records
        without one can be adopted, and an org without such records needs no matching query.

        The answer is kept per org and sObject for UNCLAIMED_TTL seconds, so the runs of an
        "Import everything" and the imports that follow ask once. A record created in
        Salesforce without the external ID within that time is not adopted until it expires."""
        if not ext_field:
            return True

        def any_unclaimed():
            key = f"sf:unclaimed:{self.store.salesforce_org_id}:{sobject}:{ext_field}"
            found = cache.get(key)
            if found is None:
                soql = f"SELECT Id FROM {sobject} WHERE {ext_field} = null LIMIT 1"  # noqa: S608
                found = any(True for _ in self.sf.query(soql))
                cache.set(key, found, timeout=UNCLAIMED_TTL)
            return found

        return self._once(("unclaimed", sobject), any_unclaimed)

    @cached_property
    def standard_pricebook_id(self) -> str:
        """An org's standard price book never changes: asked once a day, not once a run."""
        key = self.sf.cache_key("standard-pricebook")
        found = cache.get(key)
        if found is None:
            rows = list(self.sf.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true"))
            if not rows:
                raise LookupError("The org has no standard price book.")
            found = rows[0]["Id"]
            cache.set(key, found, timeout=24 * 3600)
        return found

    def pricebook_id(self, name: str) -> str | None:
        def lookup():
            rows = self.sf.query(f"SELECT Id FROM Pricebook2 WHERE Name = {quote(name)}")  # noqa: S608
            return next((row["Id"] for row in rows), None)

        return self._once(("pricebook", name), lookup)

    def record_type_id(self, sobject: str, developer_name: str) -> str | None:
        def lookup():
            where = f"SobjectType = {quote(sobject)}"
            rows = self.sf.query(f"SELECT Id, DeveloperName FROM RecordType WHERE {where}")  # noqa: S608
            return {row["DeveloperName"]: row["Id"] for row in rows}

        return self._once(("record_types", sobject), lookup).get(developer_name)

    @cached_property
    def customer_group_names(self) -> dict[int, str]:
        """Group names change rarely; real-time imports of one customer need not ask each time."""
        key = f"bc:customer-groups:{self.store.pk}"
        names = cache.get(key)
        if names is None:
            names = reads.customer_group_names(self.bc)
            cache.set(key, names, timeout=GROUP_NAMES_TTL)
        return names

    def plan_links(self, source_type: str, sobject: str, writes) -> None:
        """A dry run's writes, as the links a run would have made."""
        planned = self.planned.setdefault((source_type, sobject), {})
        planned.update({w.source_id: w.target_id for w in writes})

    def links(self, source_type: str, ids, sobject: str) -> dict[str, str | None]:
        """Source id -> Salesforce Id of the records linked, and in a dry run of those it
        would link (None: it would create them)."""
        ids = {str(i) for i in ids}
        found = identity.links_for(self.store, source_type, ids, sobject)
        linked = {i: link.target_id for i, link in found.items()}
        planned = self.planned.get((source_type, sobject), {})
        return {**{i: planned[i] for i in ids if i in planned}, **linked}

    def key(self, kind: str, source_id) -> str:
        """The external ID value: `<store hash>:<id>`, or `<store hash>:<kind>:<id>` for the
        records (guests, variants) that share an sObject with the main kind."""
        return identity.external_id(self.store, f"{kind}:{source_id}" if kind else source_id)
