"""When a failed event is tried again: the shared back-off (integrations.retry), configured for
webhook events. The drain gives a retryable failure its retry_at; the sweeper puts the event back
in the inbox once it is due. Nothing waits in a worker meanwhile."""

from django.conf import settings

from integrations.retry import RetryPolicy

# An event is tried again 2, 4, 8, 16... minutes after its attempt (with jitter, down to half
# as long), never more than an hour later.
BASE_DELAY = 2 * 60
MAX_DELAY = 60 * 60


def policy() -> RetryPolicy:
    """Made when asked, so that WEBHOOK_MAX_ATTEMPTS is read as it is set now."""
    return RetryPolicy(
        max_attempts=settings.WEBHOOK_MAX_ATTEMPTS, base_delay=BASE_DELAY, max_delay=MAX_DELAY
    )
