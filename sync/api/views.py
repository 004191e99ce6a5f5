"""The REST API of runs and scheduled imports, per store; access rules from stores.access."""

from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from stores import access
from stores.models import Role
from sync.api.serializers import (
    ExportRecordSerializer,
    ImportEverythingSerializer,
    ImportRecordSerializer,
    ImportScheduleSerializer,
    RunSerializer,
    StartRunSerializer,
)
from sync.resync import export_record, resync_failed, resync_record
from sync.runs import ACTIVE, RunRefused, cancel_run, start_everything, start_run


class RunConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The run cannot start."
    default_code = "run_refused"


class RunRefusedIsConflict:
    """Answer a refused run (an import already active, nothing to re-sync) with 409."""

    def handle_exception(self, exc):
        if isinstance(exc, RunRefused):
            exc = RunConflict(str(exc))
        return super().handle_exception(exc)


def valid_input(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def created(run) -> Response:
    return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class StoreScopedMixin:
    """Views under /stores/<store_id>/: the store must be visible, with the needed role."""

    def store(self, needs: Role = Role.VIEWER):
        return access.get_store(self.request.user, self.kwargs["store_id"], needs=needs)


class RunViewSet(
    RunRefusedIsConflict,
    StoreScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RunSerializer

    def get_queryset(self):
        return self.store().runs.select_related("requested_by")

    def create(self, request, store_id):
        """Queue a full or incremental import (or, with `direction: export`, export) of one
        object."""
        store = self.store(needs=Role.OPERATOR)
        data = valid_input(StartRunSerializer, request.data)
        run = start_run(
            store,
            data["source"],
            data["kind"],
            trigger="api",
            user=request.user,
            direction=data["direction"],
        )
        return created(run)

    @action(detail=True, methods=["post"])
    def cancel(self, request, store_id, pk):
        self.store(needs=Role.OPERATOR)
        run = self.get_object()
        if run.status not in ACTIVE:
            raise RunConflict(f"This run is {run.get_status_display().lower()}; nothing to cancel.")
        run = cancel_run(run)
        return Response(self.get_serializer(run).data)

    @action(detail=True, methods=["post"], url_path="resync-failed")
    def resync_failed(self, request, store_id, pk):
        """Queue re-syncs of the records that failed in this run: one run per object, executed
        in dependency order. Answers `{"runs": [...]}`."""
        self.store(needs=Role.OPERATOR)
        started = resync_failed(self.get_object(), user=request.user)
        runs = RunSerializer(started, many=True).data
        return Response({"runs": runs}, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"], url_path="import-everything")
    def import_everything(self, request, store_id):
        """Queue a full or incremental import of every enabled object: one run per object,
        executed in dependency order. Answers `{"runs": [...]}`; 409 while an import of one
        of the objects is queued or running."""
        store = self.store(needs=Role.OPERATOR)
        data = valid_input(ImportEverythingSerializer, request.data)
        started = start_everything(store, data["kind"], trigger="api", user=request.user)
        runs = RunSerializer(started, many=True).data
        return Response({"runs": runs}, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"], url_path="import-record")
    def import_record(self, request, store_id):
        """Queue an import of one record by its BigCommerce id."""
        store = self.store(needs=Role.OPERATOR)
        data = valid_input(ImportRecordSerializer, request.data)
        run = resync_record(
            store, data["source"], data["source_id"], user=request.user, trigger="api"
        )
        return created(run)

    @action(detail=False, methods=["post"], url_path="export-record")
    def export_record(self, request, store_id):
        """Queue an export of one record by its Salesforce Id."""
        store = self.store(needs=Role.OPERATOR)
        data = valid_input(ExportRecordSerializer, request.data)
        run = export_record(
            store, data["source"], data["salesforce_id"], user=request.user, trigger="api"
        )
        return created(run)


class ImportScheduleViewSet(StoreScopedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportScheduleSerializer

    def get_queryset(self):
        return self.store().schedules.all()
