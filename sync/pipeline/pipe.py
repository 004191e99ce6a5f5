"""What the runner drives, in either direction: a pipe from a source system to a target one.

The source side reads records in pages and knows each record's id and modification time (the
run's watermark); the target side checks that the mappings fit the target system, then
filters, transforms, matches and writes a batch, answering one outcome per record. The runner
(`runner.py`) owns everything between: batches, retries, the log, counters, the checkpoint and
the watermark, which moves only after a batch is written. An import is a pipe from
BigCommerce to Salesforce (`importers/`); an export is the same shape the other way.
"""

from collections.abc import Iterator
from datetime import datetime

from sync.run_log import RecordOutcome


class Pipe:
    source: str  # the source object (SourceObject) whose records the pipe moves
    on_total = None  # called with the record count a batch read learns from its first page

    # --- source side --------------------------------------------------------------------------
    def pages(self, since: datetime | None) -> Iterator[list[dict]]:
        """Every record modified since `since` (all of them with None), in pages."""
        raise NotImplementedError

    def fetch(self, ids) -> list[dict]:
        """The records with these ids that still exist."""
        raise NotImplementedError

    def source_id(self, record: dict) -> str:
        raise NotImplementedError

    def answered(self, ids, found: list[dict]) -> set[str]:
        """Which of the ids asked of `fetch` its records answer; the others are gone. An id
        names one record unless a pipe says otherwise (coupon revenue's days)."""
        return {self.source_id(record) for record in found}

    def modified_at(self, record: dict) -> datetime | None:
        raise NotImplementedError

    # --- target side --------------------------------------------------------------------------
    def check_target(self) -> None:
        """Raise MappingProblems when the mappings do not fit the target system."""
        raise NotImplementedError

    def run(self, records: list[dict]) -> list[RecordOutcome]:
        """Filter, transform, match and write a batch: one outcome per record."""
        raise NotImplementedError

    def removals(self) -> list[RecordOutcome]:
        """After a batch run's pages: what follows from the records deleted in the source
        system since the run's start (exports; imports learn of deletes from webhooks)."""
        return []


class MappingProblems(Exception):
    """The mappings do not fit the target system: the run stops before any write."""
