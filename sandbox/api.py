"""The sandbox control API, for scripts, tests and benchmarks: faults and simulated activity."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from sandbox import services
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator, FaultProfile
from stores.models import Store


class FaultProfileSerializer(serializers.ModelSerializer):
    rate_limit_storm_seconds = serializers.IntegerField(
        write_only=True, required=False, min_value=0, max_value=3600
    )

    class Meta:
        model = FaultProfile
        exclude = ["id", "emulator", "updated_at"]

    def validate(self, attrs):
        seconds = attrs.pop("rate_limit_storm_seconds", None)
        if seconds is not None:
            attrs["rate_limit_storm_until"] = (
                timezone.now() + timedelta(seconds=seconds) if seconds else None
            )
        return attrs


class ActivitySerializer(serializers.Serializer):
    store_hash = serializers.SlugRelatedField(
        slug_field="store_hash", queryset=Store.objects.filter(is_sandbox=True), source="store"
    )
    events_per_minute = serializers.IntegerField(min_value=1, max_value=6000)
    duration_seconds = serializers.IntegerField(min_value=1, max_value=3600)


@api_view(["GET", "PATCH", "DELETE"])
@permission_classes([IsAdminUser])
def faults(request, emulator):
    emulator = Emulator(emulator)
    if request.method == "DELETE":
        clear_faults(emulator)
        return Response(status=204)
    profile = set_faults(emulator)
    if request.method == "PATCH":
        serializer = FaultProfileSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = set_faults(emulator, **serializer.validated_data)
    return Response(FaultProfileSerializer(profile).data)


@api_view(["POST"])
@permission_classes([IsAdminUser])
def activity(request):
    serializer = ActivitySerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    services.start_activity(data["store"], data["events_per_minute"], data["duration_seconds"])
    return Response({"started": True}, status=202)
