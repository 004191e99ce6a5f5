from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# The apps' URLconfs are named, not imported: the project package knows no app.
urlpatterns = [
    # First: BigCommerce's callbacks are the most frequent requests by far.
    path("", include("webhooks.urls")),
    path("", include("console.urls")),
    path("", include("sync.urls")),
    path("", include("logs.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("console.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("stores.urls")),
    path("", include("mappings.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns += [
        path("sandbox/bigcommerce/", include("sandbox.bigcommerce.urls")),
        # Salesforce's paths start at the host's root (/services/...), as simple-salesforce expects.
        path("", include("sandbox.salesforce.urls")),
        path("sandbox/", include("sandbox.urls")),
    ]
