"""The REST API of the sync log: filtered list, detail, and re-sync of a row's record."""

from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from logs.api.serializers import LogEntrySerializer, LogEntrySummarySerializer
from logs.filters import LogFilter
from stores import access
from stores.models import Role
from sync.api.views import RunRefusedIsConflict, created
from sync.models import SyncLogEntry
from sync.resync import resync_entry


class NewestFirst(CursorPagination):
    """Pages by id, without counting a table of millions of rows."""

    ordering = "-pk"
    page_size = 100


class LogEntryViewSet(RunRefusedIsConflict, viewsets.ReadOnlyModelViewSet):
    pagination_class = NewestFirst

    def get_serializer_class(self):
        return LogEntrySummarySerializer if self.action == "list" else LogEntrySerializer

    def get_queryset(self):
        if self.action != "list":
            return SyncLogEntry.objects.filter(store__in=access.visible_stores(self.request.user))
        filters = LogFilter(self.request.query_params, user=self.request.user)
        if not filters.is_valid():
            raise ValidationError({name: list(e) for name, e in filters.form.errors.items()})
        return filters.qs

    @action(detail=True, methods=["post"])
    def resync(self, request, pk):
        """Queue a re-sync of this row's record."""
        entry = self.get_object()
        access.get_store(request.user, entry.store_id, needs=Role.OPERATOR)
        return created(resync_entry(entry, user=request.user))
