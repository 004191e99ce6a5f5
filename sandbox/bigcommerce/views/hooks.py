"""v3 webhook subscriptions."""

from sandbox.bigcommerce import hooks
from sandbox.bigcommerce.api import Call, json_response
from sandbox.bigcommerce.query import bool_param, v3_collection


def _data(hook):
    return json_response({"data": hooks.render(hook), "meta": {}})


def list_hooks(call: Call):
    queryset = hooks.visible_hooks(call.store).order_by("bc_id")
    if (active := bool_param(call, "is_active")) is not None:
        queryset = queryset.filter(is_active=active)
    if scope := call.query.get("scope"):
        queryset = queryset.filter(scope=scope)
    if destination := call.query.get("destination"):
        queryset = queryset.filter(destination=destination)
    return v3_collection(call, queryset, lambda rows: [hooks.render(h) for h in rows])


def create_hook(call: Call):
    return _data(hooks.create_hook(call.store, call.json))


def get_hook(call: Call, hook_id):
    return _data(hooks.get_hook(call.store, int(hook_id)))


def update_hook(call: Call, hook_id):
    return _data(hooks.update_hook(hooks.get_hook(call.store, int(hook_id)), call.json))


def delete_hook(call: Call, hook_id):
    hook = hooks.get_hook(call.store, int(hook_id))
    answer = _data(hook)
    hook.delete()
    return answer
