"""The match and load stages for one sObject: identity map, matching rules, batched writes.

A Write is one Salesforce record for one source record. `write_records()` finds its target
(the identity map first, then the matching rules for records never linked), skips it when the
values are the ones last written, and writes the rest in batches: upsert by external ID where
the object has the field (a retry can never make a twin), else update by Id and create what
matched nothing.
Successes are linked in the identity map with the hash of the values written.

In a dry run (`ctx.dry_run`) every decision is made as above, and the write stage stops before
sending: what the org's describe says Salesforce would refuse fails its record, a record whose
external ID the org already has would be updated, the rest created; no link is saved.
"""

from dataclasses import dataclass, field

from connector.locks import LockTimeout, cache_lock
from integrations import errors
from integrations.recording import recording
from mappings.validation import value_problems
from sync import identity
from sync.models import MatchedBy
from sync.pipeline import matching
from sync.pipeline.prepare import mapping_error

# Lookups Salesforce sets once: sent when a record is created, never in an update.
CREATE_ONLY = {
    "PricebookEntry": {"Product2Id", "Pricebook2Id"},
    "OrderItem": {"OrderId", "PricebookEntryId", "Product2Id"},
    "OpportunityLineItem": {"OpportunityId", "PricebookEntryId", "Product2Id"},
}


# Children whose writes lock their parent row in Salesforce (UNABLE_TO_LOCK_ROW when two
# workers write children of one Account at once): written sorted by parent, one writer at a time.
PARENT_LOOKUPS = {
    "Contact": "AccountId",
    "Order": "AccountId",
    "Opportunity": "AccountId",
    "Case": "AccountId",
    "OrderItem": "OrderId",
    "OpportunityLineItem": "OpportunityId",
}
# How long a writer waits while a live worker writes the same children (a dead one's lease
# lapses within seconds, see connector/locks.py).
LOCK_WAIT_SECONDS = 300
DELETED_CODES = {"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"}


@dataclass
class Write:
    source_id: str
    values: dict
    key: str = ""  # the external ID value, `<store hash>:<id>`
    create_only: dict = field(default_factory=dict)  # lookups set once, e.g. OrderId
    match_record: dict | None = None  # what matching rules read; None: never match
    hashed: dict | None = None  # what the unchanged check compares, if not the values
    settled: bool = True  # False: the caller links the final hash once the record is complete
    label: str = ""  # the record's name, kept on its link (sync/pipeline/labels.py)
    target_id: str | None = None
    matched: bool = False  # found by a matching rule, not by the identity map
    matched_by: str = ""  # how its target was found (MatchedBy), and why
    match_reason: str = ""
    created: bool = False
    unchanged: bool = False
    error: errors.APIError | None = None
    calls: list = field(default_factory=list)  # the calls that matched and wrote it

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def hash(self) -> str:
        return identity.values_hash(
            self.hashed if self.hashed is not None else {**self.values, **self.create_only}
        )


def write_records(ctx, setting, sobject: str, source_type: str, writes: list, *, rules=()) -> None:
    """Write these records of one sObject; each Write ends with a target Id or an error."""
    if not writes:
        return
    links = identity.links_for(ctx.store, source_type, [w.source_id for w in writes], sobject)
    for w in writes:
        link = links.get(w.source_id)
        if link:
            w.target_id = link.target_id
            w.unchanged = link.values_hash == w.hash
            w.matched_by, w.match_reason = MatchedBy.LINK, "Linked by an earlier sync."
    ext_field = ctx.external_id_field(setting, sobject) if any(w.key for w in writes) else ""
    with recording() as calls:
        unlinked = [w for w in writes if w.target_id is None and w.match_record is not None]
        if unlinked and rules and ctx.may_match(sobject, ext_field):
            matching.find(ctx, setting, sobject, source_type, unlinked, rules, ext_field)
        pending = [w for w in writes if w.ok and not w.unchanged]
        if pending and ctx.dry_run:
            _plan(ctx, sobject, ext_field, pending)
        elif pending:
            _send_by_parent(ctx, sobject, ext_field, pending)
    for w in writes:
        if not w.unchanged:
            w.calls = calls
    if ctx.dry_run:
        ctx.plan_links(source_type, sobject, [w for w in writes if w.ok])
        return
    written = [w for w in pending if w.ok]
    identity.save_links(
        ctx.store,
        source_type,
        sobject,
        [(w.source_id, w.target_id, w.hash if w.settled else "") for w in written],
        labels=names_of(writes),
    )


def names_of(writes) -> dict[str, str] | None:
    """The records' names to keep on their links; None where these writes name none (order
    lines), so names written before stay."""
    names = {w.source_id: w.label for w in writes if w.label}
    return names or None


def _plan(ctx, sobject, ext_field, pending) -> None:
    """A dry run's write stage: decide what each write would do, and send nothing."""
    if ext_field:
        find_by_external_id(ctx, sobject, ext_field, [w for w in pending if not w.target_id])
    described = ctx.sf.describe(sobject)
    for w in pending:
        problems = value_problems(sobject, {**w.values, **w.create_only}, described)
        if problems:
            found = {f"{sobject}.{name}": text for name, text in problems.items()}
            w.error = mapping_error(found, code="WOULD_BE_REFUSED")
        else:
            w.created = not w.target_id


def find_by_external_id(ctx, sobject, ext_field, writes) -> None:
    """The records an upsert would update rather than create: their external ID is in the
    org already (read-only queries, 100 values each)."""
    keys = sorted({w.key for w in writes if w.key})
    found = {}
    for start in range(0, len(keys), matching.VALUES_PER_QUERY):
        listed = ", ".join(
            matching.quote(key) for key in keys[start : start + matching.VALUES_PER_QUERY]
        )
        soql = f"SELECT Id, {ext_field} FROM {sobject} WHERE {ext_field} IN ({listed})"  # noqa: S608
        found.update({row[ext_field]: row["Id"] for row in ctx.sf.query(soql)})
    for w in writes:
        if w.key in found:
            w.target_id = found[w.key]
            w.matched_by, w.match_reason = MatchedBy.EXTERNAL_ID, f"{ext_field} = {w.key}"


def _send(ctx, sobject, ext_field, pending) -> None:
    if ext_field:
        _upsert(ctx, sobject, ext_field, pending)
        return
    linked = [w for w in pending if w.target_id]
    _update(ctx, sobject, linked)
    # A linked record someone deleted in Salesforce is made again (with an external ID, the
    # upsert does that by itself).
    gone = [w for w in linked if w.error is not None and w.error.code in DELETED_CODES]
    for w in gone:
        w.target_id, w.error = None, None
    _create(ctx, sobject, [w for w in pending if not w.target_id])


def _send_by_parent(ctx, sobject, ext_field, pending) -> None:
    """Children sorted by parent, and one worker at a time per org and child object."""
    parent = PARENT_LOOKUPS.get(sobject)
    if parent is None:
        _send(ctx, sobject, ext_field, pending)
        return
    pending.sort(key=lambda w: str(w.values.get(parent) or w.create_only.get(parent) or ""))
    name = f"salesforce-children:{ctx.store.salesforce_org_id}:{sobject}"
    try:
        with cache_lock(name, wait_seconds=LOCK_WAIT_SECONDS):
            _send(ctx, sobject, ext_field, pending)
    except LockTimeout as exc:
        busy = errors.TransientError(f"Another worker kept writing {sobject}: {exc}")
        for w in pending:
            w.error = w.error or busy


def _upsert(ctx, sobject, ext_field, writes) -> None:
    # Records found by matching rules carry no external ID yet: update them by Id, claiming them.
    _update(ctx, sobject, [w for w in writes if w.matched], claim=ext_field)
    rest = [w for w in writes if not w.matched]
    rows = [{**w.values, **w.create_only, ext_field: w.key} for w in rest]
    _take_results(rest, ctx.sf.upsert_many(sobject, ext_field, rows) if rows else [])


def _update(ctx, sobject, writes, *, claim: str = "") -> None:
    rows = [{**w.values, **({claim: w.key} if claim else {}), "Id": w.target_id} for w in writes]
    _take_results(writes, ctx.sf.update_many(sobject, rows) if rows else [], keep_id=True)


def _create(ctx, sobject, writes) -> None:
    rows = [{**w.values, **w.create_only} for w in writes]
    _take_results(writes, ctx.sf.create_many(sobject, rows) if rows else [])
    for w in writes:
        w.created = w.ok


def _take_results(writes, results, keep_id: bool = False) -> None:
    for w, result in zip(writes, results, strict=True):
        if result.error is not None:
            w.error = result.error
            continue
        w.target_id = w.target_id if keep_id else result.id or w.target_id
        w.created = bool(result.created)
