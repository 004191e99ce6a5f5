import time

import pytest
from django.conf import settings
from django.urls import reverse

from sync.models import WorkerHeartbeat

pytestmark = pytest.mark.worker


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_task_enqueued_by_a_web_request_runs_in_the_worker_process(
    live_worker, client, alice, store_a
):
    client.force_login(alice)

    response = client.post(reverse("check_workers"), {"next": reverse("settings")})

    assert response.status_code == 302
    all_queues = set(settings.CELERY_QUEUE_NAMES)
    answered = wait_for(
        lambda: set(WorkerHeartbeat.objects.values_list("queue", flat=True)) == all_queues
    )
    assert answered, live_worker.log_path.read_text()[-3000:]
    assert set(WorkerHeartbeat.objects.values_list("pid", flat=True)) == {live_worker.pid}
    assert set(WorkerHeartbeat.objects.values_list("source", flat=True)) == {"console"}


def test_the_console_shows_each_queues_worker(live_worker, client, alice, store_a):
    client.force_login(alice)
    client.post(reverse("check_workers"))
    wait_for(lambda: WorkerHeartbeat.objects.count() == len(settings.CELERY_QUEUE_NAMES))

    page = client.get(reverse("dashboard")).content.decode()

    assert page.count(">alive<") == len(settings.CELERY_QUEUE_NAMES)
    assert f"pid {live_worker.pid}" in page
