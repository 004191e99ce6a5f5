from rest_framework.routers import DefaultRouter

from stores.api.views import SalesforceOrgViewSet, StoreViewSet

router = DefaultRouter()
router.register("stores", StoreViewSet, basename="store")
router.register("orgs", SalesforceOrgViewSet, basename="org")

urlpatterns = router.urls
