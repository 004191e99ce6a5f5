from django.conf import settings

# The console's sections, by the first segment of a page's route; a store's record pages
# belong to Records, its other pages (runs, mappings, schedules, webhooks) to Stores.
SECTIONS = {
    "": "dashboard",
    "stores": "stores",
    "records": "records",
    "logs": "logs",
    "settings": "settings",
    "orgs": "settings",
    "sandbox": "sandbox",
}


def console(request):
    return {"sandbox_enabled": settings.SANDBOX_ENABLED, "nav_section": nav_section(request)}


def nav_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    route = match.route
    if route.startswith("stores/") and "/records/" in route:
        return "records"
    return SECTIONS.get(route.split("/", 1)[0], "")
