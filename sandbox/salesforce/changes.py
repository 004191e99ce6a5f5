"""A record on its way through a write, and the result a write reports for it."""

from dataclasses import dataclass, field

from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.schema import ObjectSchema
from sandbox.salesforce.validation import ExternalRef

ROLLED_BACK = RecordError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
)
ENTITY_IS_DELETED = RecordError("ENTITY_IS_DELETED", "entity is deleted")


@dataclass
class Change:
    """One record of a write, followed from its request body to its result."""

    schema: ObjectSchema | None
    creating: bool
    raw: dict
    record_id: str | None = None
    values: dict = field(default_factory=dict)
    refs: list[ExternalRef] = field(default_factory=list)
    before: dict | None = None
    document: dict | None = None
    error: RecordError | None = None
    created: bool | None = None  # set for upserts

    @property
    def ok(self) -> bool:
        return self.error is None

    def fail(self, error: RecordError) -> None:
        if self.error is None:
            self.error = error


@dataclass
class SaveResult:
    id: str | None
    success: bool
    errors: list[RecordError]
    created: bool | None = None

    def collection_item(self) -> dict:
        item = {"id": self.id} if self.id else {}
        item.update(success=self.success, errors=[e.collection_item() for e in self.errors])
        if self.created is not None:
            item["created"] = self.created
        return item
