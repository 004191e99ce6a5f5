"""kombu's Redis transport, with a worker that outlives a Redis restart.

When the broker connection breaks, the worker closes its channel and kombu tries to put the
unacknowledged messages back through that same, already torn down, connection. It fails with
an AttributeError that the worker takes for unrecoverable, and exits. This channel lets the
close go on: the messages stay in Redis's index of unacknowledged messages, which gives them
back after the visibility timeout, and the worker reconnects as for any lost connection.

A task that was running meanwhile finishes and acknowledges its message on the old channel,
which fails the same way: that acknowledgement is dropped instead, so the message comes back
once after the visibility timeout, and its task finds its run finished and does nothing.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class Channel(redis.Channel):
    def close(self):
        try:
            super().close()
        except AttributeError:
            logger.warning(
                "The broker connection closed before unacknowledged messages were put back; "
                "Redis gives them back after the visibility timeout"
            )

    def basic_ack(self, delivery_tag, multiple=False):
        if self.closed:
            logger.warning("Message %s not acknowledged: its channel is closed", delivery_tag)
            return
        super().basic_ack(delivery_tag, multiple)

    def basic_reject(self, delivery_tag, requeue=False):
        if self.closed:
            logger.warning("Message %s not rejected: its channel is closed", delivery_tag)
            return
        super().basic_reject(delivery_tag, requeue)


class Transport(redis.Transport):
    Channel = Channel
