"""The one retry policy for failures that may pass: bounded attempts, exponential back-off with
jitter, and a log line for every retry.

Loops that wait in a process (the clients' calls, Salesforce's write rounds, a batch's retry
rounds) run on tenacity through `retrying` and `repeat_while_pending`. Work that should not
hold a worker while it waits is tried again later instead: a Celery task with
`Task.retry(countdown=policy.backoff(n))` (a run that met a long rate limit), a webhook event
due again at `policy.backoff(attempts)` from now.
"""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class RetryPolicy:
    """Bounded retries with exponential back-off and jitter, for errors that may pass."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    # Total seconds one call may spend waiting out 429s; past it, RateLimited goes to the
    # caller, which tries again later instead of holding its worker.
    max_rate_limit_wait: float = 60.0

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt `attempt` (1-based): doubling, capped, jittered."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * random.uniform(0.5, 1)  # noqa: S311 - jitter, not security

    def retrying(
        self,
        *,
        retry_on: Callable[[BaseException], bool],
        what: str,
        sleep: Callable[[float], None] = time.sleep,
        first_attempt: int = 1,
    ) -> tenacity.Retrying:
        """Call a function again while it raises what `retry_on` accepts, up to the policy's
        attempts (counting from `first_attempt`); the last error is raised as it was."""
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.max_attempts - first_attempt + 1)),
            wait=self._wait(first_attempt),
            retry=tenacity.retry_if_exception(retry_on),
            sleep=sleep,
            reraise=True,
            before_sleep=_logged(what),
        )

    def repeat_while_pending(
        self,
        one_pass: Callable[[T], T],
        pending: T,
        *,
        what: str,
        sleep: Callable[[float], None] = time.sleep,
        first_attempt: int = 1,
    ) -> T:
        """Passes over what is still failing: `one_pass(pending)` answers what is left, and
        runs again after a back-off while anything is left and attempts remain. Answers what
        is left after the last pass."""
        left = {"pending": pending}

        def attempt() -> T:
            left["pending"] = one_pass(left["pending"])
            return left["pending"]

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.max_attempts - first_attempt + 1)),
            wait=self._wait(first_attempt),
            retry=tenacity.retry_if_result(bool),
            sleep=sleep,
            retry_error_callback=lambda state: state.outcome.result(),
            before_sleep=_logged(what),
        )
        return retrying(attempt)

    def _wait(self, first_attempt: int):
        return lambda state: self.backoff(state.attempt_number + first_attempt - 1)


def _logged(what: str):
    def log(state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        reason = (
            outcome.exception()
            if outcome is not None and outcome.failed
            else "some are still failing"
        )
        logger.warning(
            "%s: attempt %s failed (%s); trying again in %.1f s",
            what,
            state.attempt_number,
            reason,
            state.upcoming_sleep,
        )

    return log
