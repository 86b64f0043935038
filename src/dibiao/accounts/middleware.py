"""Sessions end after a period of inactivity, without a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST renews the expiry by saving the session on each request:
one more write per page view. This middleware renews it at most once a minute instead (the
session's end moves with the person's activity, to within a minute), so reading a list costs
no write at all.
"""

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

RENEW_AFTER_SECONDS = 60
RENEWED_KEY = "_renewed_at"


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(RENEWED_KEY, 0) >= RENEW_AFTER_SECONDS:
                # Marks the session modified: SessionMiddleware saves it with a new expiry.
                session[RENEWED_KEY] = now
        return self.get_response(request)


def mark_renewed_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Connected to `user_logged_in`: logging in saves the session anyway, so it counts as the
    first renewal."""
    if getattr(request, "session", None) is not None:
        request.session[RENEWED_KEY] = int(time.time())
