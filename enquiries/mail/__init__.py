"""Email: the outbox that delivers, and the notices that say what each email says.

Services call the notices; nothing here calls back into the services.
"""

from . import notices, outbox
from .outbox import deliver, deliver_email, queue_email, requeue_due, retry_now

__all__ = [
    "deliver",
    "deliver_email",
    "notices",
    "outbox",
    "queue_email",
    "requeue_due",
    "retry_now",
]
