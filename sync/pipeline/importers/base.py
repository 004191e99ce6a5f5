"""What every importer shares: filter, prepare, write a chain of sObjects, fold the outcomes."""

from collections.abc import Callable, Iterator
from datetime import datetime

from integrations.bigcommerce import dates, reads
from mappings.derived import with_derived_fields
from mappings.services import problems_with_fresh_describes
from sync.models import Outcome
from sync.pipeline import labels
from sync.pipeline.exporters import conflicts
from sync.pipeline.load import CREATE_ONLY, Write, write_records
from sync.pipeline.pipe import MappingProblems, Pipe
from sync.pipeline.prepare import Prepared, prepare
from sync.pipeline.two_way import Guard
from sync.run_log import RecordOutcome, outcome_of

# (sObject, the lookups of a unit given its writes so far)
Step = tuple[str, Callable[[Prepared, dict], dict] | None]


def check_setting(ctx, setting) -> None:
    """Mappings that do not fit the org stop the run before any record is written; the org's
    describes are read afresh first where the cached ones show problems."""
    found = problems_with_fresh_describes([setting], ctx.sf)[setting.source]
    if found:
        listed = "; ".join(problem.message for problem in found)
        raise MappingProblems(f"The mappings do not fit the org: {listed}")


class Importer(Pipe):
    """A pipe from a BigCommerce object to the Salesforce objects its mappings fill."""

    source: str
    source_type: str  # the identity map's type of the units written
    key_kind = ""  # the external ID's kind prefix, for records sharing an sObject
    main_object = ""  # the sObject a log row names; the last one written if empty

    def __init__(self, ctx):
        self.ctx = ctx
        self.setting = ctx.setting(self.source)

    # --- extract ----------------------------------------------------------------------------------
    def pages(self, since: datetime | None) -> Iterator[list[dict]]:
        raise NotImplementedError

    def fetch(self, ids) -> list[dict]:
        raise NotImplementedError

    def source_id(self, record: dict) -> str:
        return str(record["id"])

    def modified_at(self, record: dict) -> datetime | None:
        return dates.parse(record.get("date_modified"))

    # --- filter, transform, match, load -----------------------------------------------------------
    def check_target(self) -> None:
        check_setting(self.ctx, self.setting)

    def run(self, records: list[dict]) -> list[RecordOutcome]:
        records = [with_derived_fields(self.source, self.derive(r)) for r in records]
        if self.ctx.uses_metafields(self.setting):
            reads.attach_metafields(self.ctx.bc, self.source, records)
        passed, outcomes = [], []
        for record in records:
            if self.ctx.passes(self.setting, record):
                passed.append(record)
            else:
                outcomes.append(self.skipped(record))
        outcomes += self.load(passed) if passed else []
        by_id = {self.source_id(r): r for r in records}
        for outcome in outcomes:
            record = by_id.get(outcome.source_id)
            if record is not None:
                outcome.modified_at = self.modified_at(record)
        return outcomes

    def derive(self, record: dict) -> dict:
        """Fields mappings may use beside the record's own."""
        return record

    def skipped(self, record: dict) -> RecordOutcome:
        return RecordOutcome(
            self.source,
            self.source_id(record),
            Outcome.SKIPPED,
            message="The object's sync conditions leave this record out.",
        )

    def load(self, records: list[dict]) -> list[RecordOutcome]:
        prepared = [self.prepare(r) for r in records]
        return self.guarded(prepared, lambda: self.write_chain(prepared, self.steps()))

    def guarded(self, prepared: list[Prepared], write) -> list[RecordOutcome]:
        """Write (`write()` answers the outcomes) without overwriting what Salesforce changed
        since the last sync, where the object exports too (two_way.py)."""
        guard = Guard(self.ctx, self.setting, self.source_type)
        guard.protect(prepared)
        outcomes = write()
        written = {o.source_id for o in outcomes if o.outcome != Outcome.FAILED}
        guard.remember([p for p in prepared if p.source_id in written])
        for outcome in outcomes:
            found = [c for p in prepared if p.source_id == outcome.source_id for c in p.conflicts]
            if found:
                outcome.values = {**outcome.values, "conflicts": found}
                outcome.message = outcome.message or conflicts.describe(found)
        return outcomes

    def prepare(self, record: dict) -> Prepared:
        return prepare(
            self.ctx, self.setting, record, self.targets(), source_id=self.source_id(record)
        )

    def targets(self) -> list[str]:
        return self.setting.target_objects()

    def steps(self) -> list[Step]:
        return [(sobject, None) for sobject in self.targets()]

    def write_chain(self, prepared: list[Prepared], steps: list[Step]) -> list[RecordOutcome]:
        """Write each unit's sObjects in order; a unit whose parent failed stops there."""
        done = self.write_units(prepared, steps)
        return self.fold(prepared, done)

    def write_units(
        self, prepared: list[Prepared], steps: list[Step], *, source_type: str = ""
    ) -> dict[str, list]:
        done: dict[str, list] = {p.unit_id: [] for p in prepared}
        alive = [p for p in prepared if p.ok]
        for sobject, lookups in steps:
            writes = []
            for p in alive:
                extra = lookups(p, dict(done[p.unit_id])) if lookups else {}
                write = self.write_for(p, sobject, extra, done[p.unit_id])
                writes.append(write)
                done[p.unit_id].append((sobject, write))
            write_records(
                self.ctx,
                self.setting,
                sobject,
                source_type or self.source_type,
                writes,
                rules=self.matching_rules(sobject),
            )
            alive = [p for p in alive if done[p.unit_id][-1][1].ok]
        return done

    def matching_rules(self, sobject: str) -> list:
        return self.ctx.matching_rules(self.setting, sobject)

    def write_for(self, p: Prepared, sobject: str, extra: dict, written: list) -> Write:
        """The Write of one unit's sObject; `written` holds its (sObject, Write)s so far."""
        create_only = CREATE_ONLY.get(sobject, set())
        return Write(
            p.unit_id,
            {**p.values[sobject], **{k: v for k, v in extra.items() if k not in create_only}},
            key=self.ctx.key(self.key_kind, p.unit_id),
            create_only={k: v for k, v in extra.items() if k in create_only},
            match_record=p.record,
            label=labels.label(self.source, p.record),
        )

    def hashes_of(self, record: dict, target_ids: dict[str, str]) -> dict[str, str]:
        """The hash of each sObject's values an import of this record would send, given the
        Salesforce records it is linked with: what the unchanged check compares. An export
        keeps them, so the webhook its own write causes comes back unchanged."""
        prepared = self.prepare(with_derived_fields(self.source, self.derive(record)))
        if not prepared.ok:
            return {}
        written: list = []
        hashes = {}
        for sobject, lookups in self.steps():
            extra = lookups(prepared, dict(written)) if lookups else {}
            write = self.write_for(prepared, sobject, extra, written)
            write.target_id = target_ids.get(sobject)
            written.append((sobject, write))
            hashes[sobject] = write.hash
        return hashes

    def fold(self, prepared: list[Prepared], done: dict[str, list]) -> list[RecordOutcome]:
        """One outcome per source record, from the writes of all its units."""
        by_source: dict[str, list[Prepared]] = {}
        for p in prepared:
            by_source.setdefault(p.source_id, []).append(p)
        outcomes = []
        for source_id, units in by_source.items():
            broken = next((p for p in units if not p.ok), None)
            writes = [w for p in units for w in done[p.unit_id]]
            if broken is not None or not writes:
                outcomes.append(outcome_of(self.source, source_id, [], broken or units[0]))
            else:
                outcomes.append(outcome_of(self.source, source_id, writes, main=self.main_object))
        return outcomes
