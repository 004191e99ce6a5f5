"""sObject Collections and Composite resources."""

from sandbox.salesforce import collections_api, composite
from sandbox.salesforce.context import ApiRequest, ok


def collections_create(request: ApiRequest):
    return ok(collections_api.create(request.ctx, request.json_object()))


def collections_update(request: ApiRequest):
    return ok(collections_api.update(request.ctx, request.json_object()))


def collections_delete(request: ApiRequest):
    return ok(collections_api.delete(request.ctx, request.query))


def collections_upsert(request: ApiRequest):
    kwargs = request.kwargs
    return ok(
        collections_api.upsert(
            request.ctx, kwargs["object_name"], kwargs["field_name"], request.json_object()
        )
    )


def collections_retrieve(request: ApiRequest):
    """GET with ?ids=&fields=, or POST with {"ids": [...], "fields": [...]}."""
    if request.method == "POST":
        body = request.json_object()
        raw_ids, fields = body.get("ids") or [], body.get("fields") or []
    else:
        raw_ids = (request.param("ids") or "").split(",")
        fields = (request.param("fields") or "").split(",")
    raw_ids = [str(value).strip() for value in raw_ids if str(value).strip()]
    fields = [str(value).strip() for value in fields if str(value).strip()]
    return ok(collections_api.retrieve(request.ctx, request.kwargs["object_name"], raw_ids, fields))


def composite_request(request: ApiRequest):
    return ok(composite.run(request.ctx, request.json_object()))
