from django.db import connection
from django.http import JsonResponse

HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    """Answers /health/ before host validation and the HTTPS redirect.

    Container health checks and load balancers call it by IP over plain HTTP, which the
    production host and SSL settings would otherwise refuse.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
        return JsonResponse({"status": "ok"})
