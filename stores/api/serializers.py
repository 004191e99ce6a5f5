from rest_framework import serializers

from connector.crypto import mask
from stores.models import SalesforceOrg, Store


class MaskedSecretsMixin:
    """Secrets leave the API only as a mask (set or not, last 4 characters)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["secrets"] = {name: mask(getattr(instance, name)) for name in instance.SECRET_FIELDS}
        return data


class StoreSerializer(MaskedSecretsMixin, serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "store_hash",
            "api_base_url",
            "client_id",
            "time_zone",
            "is_active",
            "salesforce_org",
            "created_at",
            "updated_at",
        ]


class SalesforceOrgSerializer(MaskedSecretsMixin, serializers.ModelSerializer):
    is_connected = serializers.BooleanField(read_only=True)

    class Meta:
        model = SalesforceOrg
        fields = [
            "id",
            "name",
            "login_url",
            "auth_flow",
            "api_version",
            "client_id",
            "username",
            "instance_url",
            "is_connected",
            "needs_reconnect",
            "created_at",
            "updated_at",
        ]
