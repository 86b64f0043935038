from typing import Any

from django.http import HttpRequest

from dibiao.accounts import permissions
from dibiao.accounts.permissions import Action


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the top navigation may offer this user; decided by `permissions`, never by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "accounts": permissions.can(user, Action.MANAGE_ACCOUNTS),
            "organisations": permissions.can(user, Action.VIEW_ORGANISATIONS),
            "rounds": permissions.can(user, Action.VIEW_ROUNDS),
            "admin": permissions.can(user, Action.USE_ADMIN),
        }
    }
