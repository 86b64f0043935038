"""Background work of the reports: the daily run of the summary reminders, and the e-mails
that tell a province its summary was returned.

`task_send_summary_reminders` sends what is due (reminders.send_summary_reminders is
idempotent) and, on a backend that can defer, enqueues itself for 09:00 Beijing time the next
day, so one enqueue starts a chain that the worker (`manage.py db_worker`) keeps going. Start
the chain with `manage.py send_reminders --schedule`; without a worker, cron runs
`manage.py send_reminders` daily instead.
"""

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

DAILY_AT = dt.time(9, 0)
TASK_PATH = "dibiao.reports.tasks.task_send_summary_reminders"


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The next 09:00 in Beijing time after `now`."""
    from dibiao.reports.models import SHANGHAI

    local = timezone.localtime(now, SHANGHAI)
    candidate = dt.datetime.combine(local.date(), DAILY_AT, tzinfo=SHANGHAI)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


def _already_scheduled(after: dt.datetime) -> bool:
    """Is a run of the chain waiting in the database queue already (so as not to start two)?"""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look at
        return False
    from django.tasks.base import TaskResultStatus

    return DBTaskResult.objects.filter(
        task_path=TASK_PATH, status=TaskResultStatus.READY, run_after__gt=after
    ).exists()


def schedule_next_run(now: dt.datetime | None = None) -> bool:
    """Enqueue the next daily run, unless the backend cannot defer or one is waiting already."""
    now = now or timezone.now()
    if not task_send_summary_reminders.get_backend().supports_defer:
        return False
    if _already_scheduled(now):
        return False
    task_send_summary_reminders.using(run_after=next_run_after(now)).enqueue()
    return True


@task
def task_send_summary_reminders() -> int:
    """Send the summary reminders due now, then schedule tomorrow's run; returns e-mails sent."""
    from dibiao.reports import reminders

    try:
        run = reminders.send_summary_reminders(timezone.now())
    except Exception:
        logger.exception("summary reminders: the run failed")
        raise
    finally:
        schedule_next_run()
    return run.emails


@task
def task_send_summary_return_emails(summary_id: int, notification_ids: list[int]) -> int:
    """E-mail the notices of a returned summary (idempotent: a rerun sends nothing twice)."""
    from dibiao.reports import notifications

    try:
        return notifications.send_return_emails(summary_id, notification_ids)
    except Exception:
        logger.exception("summary %s returned: sending the notice e-mails failed", summary_id)
        raise
