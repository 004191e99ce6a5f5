"""REST resources: versions, resources, limits, describe, records, upsert, query, replication."""

from sandbox.faults import plan_for
from sandbox.models import Emulator
from sandbox.salesforce import describe, limits, query, records
from sandbox.salesforce.context import ApiRequest, ApiResponse, no_content, ok
from sandbox.salesforce.dml import Writer
from sandbox.salesforce.errors import ApiError, not_found
from sandbox.salesforce.soql.evaluate import attributes
from sandbox.salesforce.versions import versions_list
from sandbox.salesforce.views.api import emulator_view, injected_failure, render

UPSERT_UPDATE_BODY_SINCE = 46.0


@emulator_view
def versions(request):
    """GET /services/data/: no session needed, and not counted against limits."""
    failure = injected_failure(plan_for(Emulator.SALESFORCE))
    return failure or render(ApiResponse(body=versions_list()))


@emulator_view
def unknown_resource(request):
    """Any other /services/ path: Salesforce's NOT_FOUND error array, not an HTML page."""
    return render(ApiResponse(status=404, body=not_found().body()))


def resources(request: ApiRequest):
    base = f"/services/data/v{request.ctx.version}"
    names = ("sobjects", "query", "queryAll", "composite", "limits")
    body = {name: f"{base}/{name}" for name in names}
    body["identity"] = f"{request.ctx.base_url}/id/{request.ctx.org.org_id}/{request.ctx.user_id}"
    return ok(body)


def limits_resource(request: ApiRequest):
    return ok(limits.limits_body(request.ctx.org))


def describe_global(request: ApiRequest):
    return ok(describe.describe_global(request.ctx.schema, request.ctx.version))


def _schema(request: ApiRequest):
    schema = request.ctx.schema.get(request.kwargs["object_name"])
    if schema is None:
        raise not_found()
    return schema


def basic_info(request: ApiRequest):
    return ok(describe.basic_info(request.ctx.org, _schema(request), request.ctx.version))


def describe_object(request: ApiRequest):
    ctx = request.ctx
    return ok(describe.describe_object(ctx.org, ctx.schema, _schema(request), ctx.version))


def _saved_or_raise(result):
    if not result.success:
        error = result.errors[0]
        raise ApiError.for_record(error, 404 if error.code == "NOT_FOUND" else 400)
    return result


def create_record(request: ApiRequest):
    schema = _schema(request)
    result = _saved_or_raise(Writer(request.ctx).create([(schema, request.json_object())])[0])
    location = attributes(schema.name, result.id, request.ctx.version)["url"]
    return ok({"id": result.id, "success": True, "errors": []}, 201, Location=location)


def get_record(request: ApiRequest):
    schema = _schema(request)
    record = records.get_by_id(request.ctx.org, schema, request.kwargs["record_id"])
    fields = records.selected_fields(schema, request.param("fields"))
    return ok(records.record_body(schema, record.data, request.ctx.version, fields))


def update_record(request: ApiRequest):
    schema = _schema(request)
    record = records.get_by_id(request.ctx.org, schema, request.kwargs["record_id"])
    _saved_or_raise(
        Writer(request.ctx).update([(schema, record.record_id, request.json_object())])[0]
    )
    return no_content()


def delete_record(request: ApiRequest):
    schema = _schema(request)
    record = records.get_by_id(request.ctx.org, schema, request.kwargs["record_id"])
    _saved_or_raise(Writer(request.ctx).delete([record.record_id])[0])
    return no_content()


def _matches(request: ApiRequest):
    schema = _schema(request)
    found = records.find_by_key(
        request.ctx.org, schema, request.kwargs["field_name"], request.kwargs["value"]
    )
    return schema, found


def _multiple_choices(request: ApiRequest, schema, found):
    """300 with the matching records' URLs; the exact body is not documented (FACTS §11)."""
    urls = [attributes(schema.name, record_id, request.ctx.version)["url"] for record_id in found]
    return ok(urls, 300)


def get_by_external_id(request: ApiRequest):
    schema, found = _matches(request)
    if not found:
        raise not_found()
    if len(found) > 1:
        return _multiple_choices(request, schema, found)
    record = records.get_by_id(request.ctx.org, schema, found[0])
    return ok(records.record_body(schema, record.data, request.ctx.version))


def upsert_record(request: ApiRequest):
    schema, found = _matches(request)
    if len(found) > 1:
        return _multiple_choices(request, schema, found)
    if not found and request.param("updateOnly", "").lower() == "true":
        raise not_found()
    key_field = schema.field(request.kwargs["field_name"])
    body = request.json_object()
    result = _saved_or_raise(
        Writer(request.ctx).upsert(schema, key_field, [(request.kwargs["value"], body)])[0]
    )
    answer = {"id": result.id, "success": True, "errors": [], "created": result.created}
    if result.created:
        location = attributes(schema.name, result.id, request.ctx.version)["url"]
        return ok(answer, 201, Location=location)
    if request.ctx.api_version < UPSERT_UPDATE_BODY_SINCE:
        return no_content()
    return ok(answer, 200)


def delete_by_external_id(request: ApiRequest):
    schema, found = _matches(request)
    if not found:
        raise not_found()
    if len(found) > 1:
        return _multiple_choices(request, schema, found)
    _saved_or_raise(Writer(request.ctx).delete(found)[0])
    return no_content()


def run_query(request: ApiRequest, include_deleted: bool):
    soql = request.param("q")
    if soql is None:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    batch_size = query.batch_size_from(request.ctx.header("Sforce-Query-Options"))
    return ok(
        query.run_query(request.ctx, soql, include_deleted=include_deleted, batch_size=batch_size)
    )


def query_resource(request: ApiRequest):
    return run_query(request, include_deleted=False)


def query_all_resource(request: ApiRequest):
    return run_query(request, include_deleted=True)


def query_more(request: ApiRequest):
    return ok(query.next_page(request.ctx, request.kwargs["locator"]))


def updated(request: ApiRequest):
    return ok(records.updated_ids(request.ctx.org, _schema(request), request.query))


def deleted(request: ApiRequest):
    return ok(records.deleted_records(request.ctx.org, _schema(request), request.query))
