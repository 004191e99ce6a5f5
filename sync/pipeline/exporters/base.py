"""What every exporter shares: read Salesforce changes, transform them back, find the
BigCommerce record, skip echoes, write in batches, and keep the identity map's export state.

An export reads the main sObject (Contact, Product2, Order) with the parents its mappings name
(`Account.Customer_Tier__c`). A batch run reads what changed since its watermark
(`SystemModstamp`, the main record's or a parent's) and was not last changed by the connector's
own user: those changes are the connector's writes coming back. The BigCommerce record is the
linked one; a record never linked is found by its external ID value (`<store hash>:<id>`), then
by the object's natural key (email, SKU); in upsert mode one that matches nothing is created.
Values equal to what the connector last wrote either way are not written again.

A dry run (`ctx.dry_run`, a plan) stops before the writes: the records it would update or
create say so, and nothing is written to BigCommerce or the identity map.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from integrations import errors
from integrations.bigcommerce import fields
from integrations.recording import recording
from mappings import export
from mappings.models import ExportMode, MultipleMatches
from sync import identity
from sync.models import IdentityLink, MatchedBy, Outcome
from sync.pipeline import labels
from sync.pipeline.exporters import conflicts
from sync.pipeline.exporters.removals import removals as removed_in_salesforce
from sync.pipeline.exporters.stamps import parse_stamp, soql_stamp
from sync.pipeline.matching import quote
from sync.pipeline.pipe import MappingProblems, Pipe
from sync.pipeline.prepare import mapping_error
from sync.run_log import RecordOutcome

PAGE = 250
# Ids per `Id IN (...)` query: a whole page, so that reading it costs one query, not two
# (200 and 50). 250 Ids keep the query's URL near 7 KB, under the REST API's 16 KB.
IDS_PER_QUERY = PAGE
LINK_KEY = ["store", "org", "source_type", "source_id", "target_object"]


@dataclass
class Unit:
    """One Salesforce record on its way to BigCommerce."""

    record: dict
    values: dict = field(default_factory=dict)  # BigCommerce path -> value
    bc_id: str | None = None
    link: IdentityLink | None = None
    current: dict | None = None  # the BigCommerce record before the write
    written: dict | None = None  # the BigCommerce record as the write answered it
    sent: dict = field(default_factory=dict)  # the paths written: those BigCommerce lacks
    conflicts: list = field(default_factory=list)  # fields both sides changed since the sync
    outcome: str = ""
    error: errors.APIError | None = None
    message: str = ""
    matched_by: str = ""  # how the BigCommerce record was found (MatchedBy), and why
    match_reason: str = ""

    @property
    def sf_id(self) -> str:
        return self.record["Id"]

    @property
    def open(self) -> bool:
        return not self.outcome and self.error is None


class Exporter(Pipe):
    """A pipe from a Salesforce object to the BigCommerce object its mappings come from."""

    source: str  # the SourceObject, as the store's settings and log name it
    source_type: str  # the identity map's type of the BigCommerce records
    main_object: str  # the sObject read
    resource: str  # the BigCommerce record a log row names ("customer")
    parents: dict[str, str] = {}  # sObject read beside the main one -> its relationship
    natural_key = ""  # the BigCommerce path that finds a record never linked (email, sku)
    # Linked records are read before they are written (for conflicts, and to send only what
    # changed), except where BigCommerce cannot read them in batches.
    reads_current = True
    creates = False  # whether `create` makes BigCommerce records (else it skips them)

    def __init__(self, ctx, importer=None):
        self.ctx = ctx
        # The importer of the same object: what an import of a record would send to Salesforce
        # (`import_hashes`), so the webhook an export's write causes comes back unchanged.
        self.importer = importer
        self.setting = ctx.setting(self.source)
        mappings = list(self.setting.field_mappings.all())
        self.since: datetime | None = None  # where a batch run read changes from
        self.plan = export.plan(mappings, self.main_object, self.parents, self.writable)

    # --- what BigCommerce takes ---------------------------------------------------------------
    def writable(self, path: str) -> bool:
        return True

    def read(self, ids: list[str]) -> dict[str, dict]:
        """The BigCommerce records with these ids, by id."""
        raise NotImplementedError

    def find(self, keys: list[str]) -> dict[str, list[dict]]:
        """BigCommerce records by natural key (lowercased), for records never linked; `keys`
        are spelled as the records have them."""
        return {}

    def update(self, units: list[Unit]) -> None:
        raise NotImplementedError

    def create(self, units: list[Unit]) -> None:
        for unit in units:
            unit.outcome = Outcome.SKIPPED
            unit.message = f"A {self.resource} is never created from Salesforce."

    def delete(self, bc_ids: list[str]) -> dict[str, errors.APIError]:
        """Delete these BigCommerce records; {id: error} of those refused."""
        return {bc_id: _NOT_DELETABLE for bc_id in bc_ids}

    def clear(self, bc_ids: list[str], empty: dict) -> dict[str, errors.APIError]:
        """Write these empty values to these BigCommerce records; {id: error} of those refused."""
        units = [Unit({"Id": ""}, bc_id=bc_id, sent=dict(empty)) for bc_id in bc_ids]
        self.update(units)
        return {u.bc_id: u.error for u in units if u.error is not None}

    def body(self, unit: Unit) -> dict:
        """What is written: the values BigCommerce lacks."""
        return export.nest(unit.sent)

    def payload(self, unit: Unit) -> dict:
        """One item of the write, as sent: an update names its record."""
        body = self.body(unit)
        return {"id": int(unit.bc_id), **body} if unit.bc_id else body

    def _check_rules(self, units: list[Unit]) -> None:
        """What BigCommerce would refuse fails its record before any write, in words an
        admin can act on."""
        for unit in units:
            found = fields.problems(self.resource, self.payload(unit), creating=not unit.bc_id)
            if found:
                unit.error = mapping_error(found, code="BIGCOMMERCE_RULES")

    # --- source side --------------------------------------------------------------------------
    def columns(self) -> list[str]:
        parents = [f"{rel}.{name}" for rel in self.parents.values() for name in STAMPS]
        conditions = [c.path for c in self.ctx.conditions(self.setting, "export")]
        ext_field = self.external_id_field()
        fields = ["Id", *STAMPS, *parents, *self.plan.fields, *conditions, ext_field]
        return list(dict.fromkeys(f for f in fields if f))

    def select(self, where: str) -> str:
        columns = ", ".join(self.columns())
        return f"SELECT {columns} FROM {self.main_object} WHERE {where}"  # noqa: S608

    def pages(self, since: datetime | None):
        self.since = since
        if since is None:
            where = "Id != null"
        else:
            where = " OR ".join(self._changed(prefix, since) for prefix in self._prefixes())
        soql = f"{self.select(where)} ORDER BY SystemModstamp, Id"
        page = []
        for record in self.ctx.sf.query(soql):
            if since is not None and not self._changed_after(record, since):
                continue  # SOQL compares whole seconds; this change was exported already
            page.append(record)
            if len(page) == PAGE:
                yield page
                page = []
        if page:
            yield page

    def _prefixes(self) -> list[str]:
        return ["", *(f"{rel}." for rel in self.parents.values())]

    def _changed(self, prefix: str, since: datetime) -> str:
        stamp = soql_stamp(since)
        user = quote(self.ctx.sf.user_id())
        return f"({prefix}SystemModstamp >= {stamp} AND {prefix}LastModifiedById != {user})"

    def _changed_after(self, record: dict, since: datetime) -> bool:
        stamps = [parse_stamp(r.get("SystemModstamp")) for r in self._with_parents(record)]
        return any(stamp is not None and stamp > since for stamp in stamps)

    def _with_parents(self, record: dict) -> list[dict]:
        parents = [record.get(rel) for rel in self.parents.values()]
        return [record, *(p for p in parents if isinstance(p, dict))]

    def fetch(self, ids) -> list[dict]:
        ids = list(ids)
        found = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            listed = ", ".join(quote(i) for i in ids[start : start + IDS_PER_QUERY])
            found += list(self.ctx.sf.query(self.select(f"Id IN ({listed})")))
        return found

    def source_id(self, record: dict) -> str:
        return record["Id"]

    def modified_at(self, record: dict) -> datetime | None:
        stamps = [parse_stamp(r.get("SystemModstamp")) for r in self._with_parents(record)]
        return max((s for s in stamps if s is not None), default=None)

    def external_id_field(self) -> str:
        return self.ctx.external_id_field(self.setting, self.main_object)

    # --- target side --------------------------------------------------------------------------
    def check_target(self) -> None:
        """Mappings whose Salesforce fields the org lacks stop the run before any write."""
        missing = []
        for rule in self.plan.rules:
            sobject, name = self._sobject_of(rule.field)
            if name not in self.ctx.fields_of(sobject):
                missing.append(f"{rule.mapping}: the org has no field {sobject}.{name}")
        if not self.plan.rules:
            missing.append(f"No field mapping of {self.setting} exports to BigCommerce")
        if missing:
            raise MappingProblems("The export mappings do not fit: " + "; ".join(missing))

    def _sobject_of(self, path: str) -> tuple[str, str]:
        if "." not in path:
            return self.main_object, path
        relationship, name = path.split(".", 1)
        by_relationship = {rel: sobject for sobject, rel in self.parents.items()}
        return by_relationship.get(relationship, relationship), name

    def run(self, records: list[dict]) -> list:
        units = [self._transformed(record) for record in records]
        with recording() as calls:
            self._find_targets([u for u in units if u.open])
            if self.reads_current:
                self._read_current([u for u in units if u.open and u.bc_id])
            self._decide(units)
            self._check_rules([u for u in units if u.open and u.sent])
            updates = [u for u in units if u.open and u.bc_id]
            creates = [u for u in units if u.open and not u.bc_id]
            if self.ctx.dry_run:
                self._plan(updates, creates)
                return [self._outcome(u, calls) for u in units]
            if updates:
                self.update(updates)
            if creates:
                self.create(creates)
        self._remember([u for u in units if u.written is not None])
        return [self._outcome(u, calls) for u in units]

    def _plan(self, updates: list[Unit], creates: list[Unit]) -> None:
        """A dry run's write stage: what each write would do, sending nothing."""
        for unit in updates:
            unit.outcome = Outcome.UPDATED
        if not self.creates:
            self.create(creates)  # the base's: it only skips them, with the reason
            return
        for unit in creates:
            unit.outcome = Outcome.CREATED

    def removals(self) -> list[RecordOutcome]:
        if self.since is None or self.ctx.dry_run:
            return []
        return removed_in_salesforce(self, self.since)

    def _transformed(self, record: dict) -> Unit:
        unit = Unit(record)
        if not self.ctx.passes(self.setting, record, "export"):
            unit.outcome = Outcome.SKIPPED
            unit.message = "The object's export conditions leave this record out."
            return unit
        result = export.transform(record, self.plan.rules)
        unit.values = result.values
        if not result.ok:
            unit.error = mapping_error(result.errors)
        return unit

    def _find_targets(self, units: list[Unit]) -> None:
        links = IdentityLink.objects.filter(
            store=self.ctx.store,
            org_id=self.ctx.store.salesforce_org_id,
            source_type=self.source_type,
            target_object=self.main_object,
            target_id__in=[u.sf_id for u in units],
        )
        by_target = {link.target_id: link for link in links}
        for unit in units:
            unit.link = by_target.get(unit.sf_id)
            if unit.link is not None:
                unit.bc_id = unit.link.source_id
                unit.matched_by, unit.match_reason = MatchedBy.LINK, "Linked by an earlier sync."
            else:
                unit.bc_id = self._own_external_id(unit.record)
                if unit.bc_id is not None:
                    unit.matched_by = MatchedBy.EXTERNAL_ID
                    unit.match_reason = (
                        f"{self.external_id_field()} names {self.resource} {unit.bc_id}."
                    )
        self._match([u for u in units if u.bc_id is None])

    def _own_external_id(self, record: dict) -> str | None:
        ext_field = self.external_id_field()
        value = str(record.get(ext_field) or "") if ext_field else ""
        prefix = f"{self.ctx.store.store_hash}:"
        rest = value[len(prefix) :] if value.startswith(prefix) else ""
        return rest if rest.isdigit() else None

    def _match(self, units: list[Unit]) -> None:
        keyed = [(u, _value(u.values.get(self.natural_key))) for u in units if self.natural_key]
        keyed = [(u, value) for u, value in keyed if value]
        if not keyed:
            return
        # Asked for as the records spell them: a filter that compares case (`sku:in` may)
        # finds nothing for a lowercased SKU, and a product made by a POST whose answer was
        # lost would be sent again. The answers are compared without case.
        found = self.find(sorted({value for _, value in keyed}))
        taken = self._linked_elsewhere({str(r["id"]) for rows in found.values() for r in rows})
        for unit, value in keyed:
            key = value.lower()
            candidates = [r for r in found.get(key, []) if str(r["id"]) not in taken]
            if len(candidates) > 1 and self.setting.multiple_matches == MultipleMatches.SKIP:
                unit.outcome = Outcome.SKIPPED
                ids = ", ".join(str(r["id"]) for r in candidates)
                unit.message = (
                    f"Several BigCommerce records have {self.natural_key} {value}: {ids}."
                )
            elif candidates:
                unit.bc_id = str(min(candidates, key=lambda r: int(r["id"]))["id"])
                unit.matched_by = MatchedBy.NATURAL_KEY
                unit.match_reason = f"{self.natural_key} = {value!r}."

    def _linked_elsewhere(self, bc_ids: set[str]) -> set[str]:
        """BigCommerce records already linked to a Salesforce record: never matched again."""
        rows = identity.links_of(self.ctx.store).filter(
            source_type=self.source_type, target_object=self.main_object, source_id__in=bc_ids
        )
        return set(rows.values_list("source_id", flat=True))

    def _read_current(self, units: list[Unit]) -> None:
        current = self.read(sorted({u.bc_id for u in units}, key=int))
        for unit in units:
            unit.current = current.get(unit.bc_id)

    def _decide(self, units: list[Unit]) -> None:
        upsert = self.setting.export_mode == ExportMode.UPSERT
        for unit in [u for u in units if u.open]:
            if unit.bc_id and unit.current is None and self.reads_current:
                unit.bc_id = None  # linked, and deleted in BigCommerce since
            if not unit.bc_id:
                if upsert:
                    unit.sent = conflicts.differences(unit.values, None)
                else:
                    unit.outcome = Outcome.SKIPPED
                    unit.message = (
                        f"No BigCommerce {self.resource} is linked to or matches this record, "
                        "and the object exports in update-only mode: nothing was created."
                    )
                continue
            if unit.link and unit.link.export_hash == identity.values_hash(unit.values):
                unit.outcome = Outcome.UNCHANGED  # what the connector last wrote: an echo
                continue
            if unit.current is not None:
                conflicts.resolve(unit, self.setting.conflict_rule, self.modified_at(unit.record))
            unit.sent = conflicts.differences(unit.values, unit.current)
            if not unit.sent:
                unit.outcome = Outcome.UNCHANGED
                unit.written = unit.current  # BigCommerce has these values: remember them

    def _remember(self, written: list[Unit]) -> None:
        """Link what was created, and keep what was written: its hash (the echo of an export
        is recognised), the values and when, and what an import of the record as it is now
        would send to Salesforce, so the webhook the write causes finds nothing to write.

        One upsert per set of fields kept (the main sObject's links, its parents'), not one
        read and write per link."""
        now = timezone.now()
        states: dict[tuple[str, str], dict] = {}
        for unit in written:
            links = self.links_for(unit)
            hashes = self.import_hashes(unit, links)
            for sobject, target_id in links.items():
                state = self._link_state(sobject, target_id, unit, hashes, now)
                states[(unit.bc_id, sobject)] = state  # the last write of a record wins
        by_fields: dict[tuple[str, ...], list[IdentityLink]] = {}
        for (bc_id, sobject), state in states.items():
            link = IdentityLink(
                store=self.ctx.store,
                org_id=self.ctx.store.salesforce_org_id,
                source_type=self.source_type,
                source_id=bc_id,
                target_object=sobject,
                **state,
            )
            by_fields.setdefault(tuple(sorted(state)), []).append(link)
        for names, links in by_fields.items():
            IdentityLink.objects.bulk_create(
                links,
                update_conflicts=True,
                unique_fields=LINK_KEY,
                update_fields=[*names, "updated_at"],
            )

    def _link_state(self, sobject, target_id, unit: Unit, hashes: dict, now) -> dict:
        state = {"target_id": target_id}
        name = labels.label(self.source, {**(unit.current or {}), **(unit.written or {})})
        if name:
            state["label"] = name
        if sobject in hashes:
            state["values_hash"] = hashes[sobject]
        if sobject == self.main_object and unit.error is None:
            state.update(
                export_hash=identity.values_hash(unit.values),
                synced_values=unit.values,
                exported_at=now,
            )
        return state

    def links_for(self, unit: Unit) -> dict[str, str]:
        """The Salesforce records a BigCommerce record is linked with after its export."""
        return {self.main_object: unit.sf_id}

    def import_hashes(self, unit: Unit, links: dict[str, str]) -> dict[str, str]:
        if self.importer is None:
            return {}
        after = {**(unit.current or {}), **(unit.written or {})}
        return self.importer.hashes_of(after, links)

    def _outcome(self, unit: Unit, calls) -> RecordOutcome:
        outcome = unit.outcome or (Outcome.FAILED if unit.error else Outcome.UPDATED)
        shown_calls = [] if outcome in (Outcome.UNCHANGED, Outcome.SKIPPED) else calls
        return RecordOutcome(
            self.source,
            unit.sf_id,
            outcome,
            self.resource if unit.bc_id else "",
            unit.bc_id or "",
            self._logged_values(unit),
            unit.error,
            self.modified_at(unit.record),
            unit.message or conflicts.describe(unit.conflicts),
            calls=shown_calls,
            matched_by=unit.matched_by if unit.bc_id else "",
            match_reason=unit.match_reason if unit.bc_id else "",
        )

    def _logged_values(self, unit: Unit) -> dict:
        values = {self.resource: self.body(unit) if unit.sent else export.nest(unit.values)}
        if unit.conflicts:
            values["conflicts"] = unit.conflicts
        return values if unit.values else {}


STAMPS = ("SystemModstamp", "LastModifiedById")


def by_key(records, field: str) -> dict[str, list[dict]]:
    """BigCommerce records grouped by a natural key, lowercased (what `find` answers)."""
    found: dict[str, list[dict]] = {}
    for record in records:
        found.setdefault(_value(record.get(field)).lower(), []).append(record)
    return found


_NOT_DELETABLE = errors.ValidationFailed(
    "This object is not deleted in BigCommerce by an export.",
    code="NOT_DELETABLE",
    system="connector",
)


def _value(value) -> str:
    return "" if value is None else str(value).strip()


def take_results(units: list[Unit], results) -> None:
    """Each unit's BatchResult: the record as written, or the error that refused it alone. A
    record written in part (a 207 answer) is failed and still linked, so its retry updates it
    instead of creating a twin."""
    for unit, result in zip(units, results, strict=True):
        if result.data:
            unit.written = result.data
            if not unit.bc_id:
                unit.bc_id = str(result.data.get("id") or "") or None
                unit.outcome = Outcome.CREATED if result.ok else ""
        elif result.ok:
            unit.written = {}
        if not result.ok:
            unit.error = result.error
