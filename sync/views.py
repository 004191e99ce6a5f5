from django.shortcuts import render

from stores import access


def record_list(request):
    """Records linked between BigCommerce and Salesforce, per store."""
    return render(request, "sync/record_list.html", {"stores": access.visible_stores(request.user)})
