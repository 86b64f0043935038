"""Background work for accounts: the e-mails. Each task takes an id, fetches, calls one service."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def task_send_invitation(user_id: int) -> bool:
    """E-mail a new account its invitation (a link to choose a password)."""
    from dibiao.accounts import services
    from dibiao.accounts.models import User

    account = User.objects.filter(pk=user_id).first()
    if account is None:
        logger.warning("invitation: account %s no longer exists", user_id)
        return False
    try:
        return services.email_invitation(account)
    except Exception:
        logger.exception("invitation e-mail to account %s failed", user_id)
        raise


@task
def task_send_password_reset(user_id: int) -> bool:
    """E-mail an account a link to choose a new password."""
    from dibiao.accounts import services
    from dibiao.accounts.models import User

    account = User.objects.filter(pk=user_id).first()
    if account is None:
        logger.warning("password reset: account %s no longer exists", user_id)
        return False
    try:
        return services.email_password_reset(account)
    except Exception:
        logger.exception("password-reset e-mail to account %s failed", user_id)
        raise
