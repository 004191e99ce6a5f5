from django.conf import settings


def console(request):
    return {"sandbox_enabled": settings.SANDBOX_ENABLED}
