"""Bulk API 2.0 ingest resources."""

from sandbox.salesforce import bulk2
from sandbox.salesforce.context import CSV_TYPE, ApiRequest, ApiResponse, no_content, ok


def create_job(request: ApiRequest):
    return ok(bulk2.create_job(request.ctx, request.json_object()))


def list_jobs(request: ApiRequest):
    return ok(bulk2.list_jobs(request.ctx))


def job_info(request: ApiRequest):
    return ok(bulk2.job_info(bulk2.get_job(request.ctx, request.kwargs["job_id"])))


def change_state(request: ApiRequest):
    return ok(bulk2.change_state(request.ctx, request.kwargs["job_id"], request.json_object()))


def delete_job(request: ApiRequest):
    bulk2.delete_job(request.ctx, request.kwargs["job_id"])
    return no_content()


def upload(request: ApiRequest):
    bulk2.upload(request.ctx, request.kwargs["job_id"], request.body)
    return ApiResponse(status=201)


def results(request: ApiRequest):
    text = bulk2.results(request.ctx, request.kwargs["job_id"], request.kwargs["kind"])
    return ApiResponse(body=text, content_type=CSV_TYPE)
