import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connector.settings")

app = Celery("connector")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def registered_task(name: str):
    """The task registered under this name, for code that queues tasks without importing
    their module (tasks import the code that queues them, never the reverse). A process that
    has not imported the task modules yet (a web process) lets Celery find them first, as a
    worker does when it starts. It is the very object the task module defines: what is done to
    it there (tests replace its `delay`) holds here too."""
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[name]
