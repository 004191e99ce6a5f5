from rest_framework import serializers

from sync.models import SyncLogEntry

SUMMARY_FIELDS = [
    "id",
    "store",
    "run",
    "source",
    "direction",
    "source_id",
    "target_object",
    "target_id",
    "outcome",
    "error_code",
    "error_message",
    "attempt",
    "created_at",
]


class LogEntrySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncLogEntry
        fields = SUMMARY_FIELDS
        read_only_fields = fields


class LogEntrySerializer(serializers.ModelSerializer):
    """Everything a row holds; call bodies were masked when the calls were recorded."""

    class Meta:
        model = SyncLogEntry
        fields = [*SUMMARY_FIELDS, "error_fields", "retryable", "values", "calls"]
        read_only_fields = fields
