from rest_framework.routers import DefaultRouter

from logs.api.views import LogEntryViewSet
from stores.api.views import SalesforceOrgViewSet, StoreViewSet
from sync.api.views import ImportScheduleViewSet, RunViewSet

router = DefaultRouter()
router.register("stores", StoreViewSet, basename="store")
router.register("orgs", SalesforceOrgViewSet, basename="org")
router.register(r"stores/(?P<store_id>\d+)/runs", RunViewSet, basename="store-run")
router.register(
    r"stores/(?P<store_id>\d+)/schedules", ImportScheduleViewSet, basename="store-schedule"
)
router.register("logs", LogEntryViewSet, basename="log-entry")

urlpatterns = router.urls
