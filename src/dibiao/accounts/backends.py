"""Log-in with a lock after repeated failures.

After LOGIN_FAILURE_LIMIT wrong passwords in a row the account is locked for
LOGIN_LOCKOUT_MINUTES; the log-in form then says so and until when. A right password during
the lock does not log in (otherwise the lock would only slow a guesser down).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from dibiao.accounts.models import User


class AccountLocked(Exception):
    def __init__(self, until: Any) -> None:
        super().__init__(str(until))
        self.until = until


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            # Spend the same time as a real check, so timing does not tell which names exist.
            User().set_password(password)
            return None
        if user.is_locked:
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        register_failure(user)
        user.refresh_from_db(fields=["locked_until"])
        if user.is_locked:
            raise AccountLocked(user.locked_until)
        return None


def register_failure(user: User) -> None:
    """Count one failed log-in; lock the account when the count reaches the limit."""
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT:
        User.objects.filter(pk=user.pk).update(
            failed_login_count=0,
            locked_until=timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES),
        )
