from rest_framework import viewsets

from stores import access
from stores.api.serializers import SalesforceOrgSerializer, StoreSerializer


class StoreViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StoreSerializer

    def get_queryset(self):
        return access.visible_stores(self.request.user).order_by("pk")


class SalesforceOrgViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SalesforceOrgSerializer

    def get_queryset(self):
        return access.visible_orgs(self.request.user).order_by("pk")
