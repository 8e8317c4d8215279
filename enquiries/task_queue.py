"""The django-tasks-db queue as the workers leave it: how far behind it is, and what a worker
that died left behind.

A worker killed mid-task (kill -9, a lost machine) leaves the task's row "running" forever;
django-tasks-db has no recovery of its own. Such rows are marked failed rather than run again:
a task that killed its worker would kill the next one too, and every task here has a periodic
safety net that redoes its work (`send_pending_emails` re-offers the email once its claim is
stale, `expire_waitlist_offers` closes lapsed offers).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker stopped without finishing it."""


def recover_stuck_tasks(*, now: dt.datetime | None = None) -> int:
    """Mark failed each task row still running TASK_STUCK_AFTER seconds after it started."""
    now = now or timezone.now()
    stuck = DBTaskResult.objects.running().filter(
        started_at__lte=now - dt.timedelta(seconds=settings.TASK_STUCK_AFTER)
    )
    return stuck.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=(
            f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: still running "
            f"{settings.TASK_STUCK_AFTER} seconds after it started; its worker stopped "
            "without finishing it.\n"
        ),
    )


def oldest_ready_since() -> dt.datetime | None:
    """When the task that has waited longest for a worker became ready to run."""
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    return DBTaskResult.objects.ready().aggregate(since=Min(ready_since))["since"]
