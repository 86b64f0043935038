"""Background work of the recommendations: ids in, one service call each."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def task_send_notification_emails(transition_id: int) -> int:
    """E-mail the notifications of one transition (idempotent: a rerun sends nothing twice)."""
    from dibiao.recommendations import notifications

    try:
        return notifications.send_emails(transition_id)
    except Exception:
        logger.exception("transition %s: sending notice e-mails failed", transition_id)
        raise
