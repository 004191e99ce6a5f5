from django.shortcuts import render

from stores import access


def log_list(request):
    """The per-record sync log of the user's stores."""
    return render(request, "logs/log_list.html", {"stores": access.visible_stores(request.user)})
