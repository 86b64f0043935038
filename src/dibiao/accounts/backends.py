"""Log-in with a lock after repeated failures.

After LOGIN_FAILURE_LIMIT wrong passwords in a row the account is locked for
LOGIN_LOCKOUT_MINUTES; the log-in form then says so and until when. A right password during
the lock does not log in (otherwise the lock would only slow a guesser down). A right
password outside a lock forgets earlier failures; so does choosing a new password by e-mail.

User names are matched ignoring case (the database keeps them unique ignoring case);
passwords are not.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from dibiao.accounts import services
from dibiao.accounts.models import User
from dibiao.core import pages

# Both refusals are PermissionDenied: `django.contrib.auth.authenticate()` then stops, sends
# `user_login_failed` and returns None, so no caller (Django's admin log-in included) ever
# sees an exception. The log-in form reads the account's state to say why (forms.py).


class AccountLocked(PermissionDenied):
    """The account is locked until `until`."""

    def __init__(self, until: Any) -> None:
        super().__init__(str(until))
        self.until = until


class AccountDisabled(PermissionDenied):
    """The password was right but the account is disabled."""


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or not password:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            # Spend the same time as a real check, so timing does not tell which names exist.
            User().set_password(password)
            return None
        if user.is_locked:
            raise AccountLocked(user.locked_until)
        if not user.check_password(password):
            services.register_login_failure(user)
            if user.is_locked:
                raise AccountLocked(user.locked_until)
            return None
        if not self.user_can_authenticate(user):
            raise AccountDisabled
        services.register_login_success(user)
        return user

    def get_user(self, user_id: Any) -> User | None:
        # Every page shows the user's organisation: fetch it in the same query.
        user = pages.derived(
            f"user:{user_id}", lambda: User.objects.select_related("organisation").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
