"""What an exporter keeps of a write's answer, record by record."""

from integrations import errors
from integrations.bigcommerce.client import BatchResult
from sync.pipeline.exporters.base import Unit, take_results


def test_a_record_written_in_part_is_failed_and_keeps_the_id_it_was_given():
    refused = errors.ValidationFailed("address refused", code="422")
    made, half, lost = Unit({"Id": "a"}), Unit({"Id": "b"}), Unit({"Id": "c"})

    take_results(
        [made, half, lost],
        [
            BatchResult({}, data={"id": 7}),
            BatchResult({}, data={"id": 8}, error=refused),  # a 207: created, partly refused
            BatchResult({}, error=refused),
        ],
    )

    assert (made.bc_id, made.outcome, made.error) == ("7", "created", None)
    # Linked by its id, so a retry updates it instead of creating a twin; failed meanwhile.
    assert (half.bc_id, half.written, half.error) == ("8", {"id": 8}, refused)
    assert (lost.bc_id, lost.written, lost.error) == (None, None, refused)
