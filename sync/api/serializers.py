from rest_framework import serializers

from mappings.models import SourceObject
from sync.models import ImportSchedule, RunDirection, SyncRun


class RunSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    outcome = serializers.CharField(source="outcome_label", read_only=True)

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "store",
            "source",
            "direction",
            "kind",
            "trigger",
            "status",
            "outcome",
            "requested_by",
            "source_ids",
            "created",
            "updated",
            "unchanged",
            "skipped",
            "failed",
            "seen",
            "expected",
            "bigcommerce_calls",
            "salesforce_calls",
            "watermark_from",
            "watermark_to",
            "cancel_requested",
            "takeovers",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class StartRunSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=SourceObject.choices)
    kind = serializers.ChoiceField(
        choices=ImportSchedule.Kind.choices, default=ImportSchedule.Kind.INCREMENTAL
    )
    direction = serializers.ChoiceField(choices=RunDirection.choices, default=RunDirection.IMPORT)


class ImportEverythingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ImportSchedule.Kind.choices, default=ImportSchedule.Kind.INCREMENTAL
    )


class ImportRecordSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=SourceObject.choices)
    source_id = serializers.CharField(max_length=64)


class ExportRecordSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=SourceObject.choices)
    salesforce_id = serializers.RegexField(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")


class ImportScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportSchedule
        fields = [
            "id",
            "store",
            "source",
            "direction",
            "kind",
            "every_minutes",
            "enabled",
            "last_run",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
