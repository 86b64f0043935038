"""Who may see what, and who may do what: the one place where permissions are decided.

Scopes (`visible_*`) answer "may this user see it?": views fetch objects through them, so an
object out of scope is a 404 and never leaks. `can(user, action, obj)` answers "may this user
do it?": visible but not allowed is a 403. Views and templates never compare roles themselves.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q, QuerySet

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation


class Action:
    """Names of the actions `can` decides. Plain strings keep templates simple."""

    MANAGE_ACCOUNTS = "manage_accounts"  # open the account pages at all
    CREATE_ACCOUNT = "create_account"  # obj: the organisation the account is for
    CHANGE_ACCOUNT = "change_account"  # obj: the user account
    MANAGE_ORGANISATIONS = "manage_organisations"
    IMPORT_COUNTY_LISTS = "import_county_lists"
    MANAGE_ROUNDS = "manage_rounds"
    USE_ADMIN = "use_admin"


# --- predicates: one condition each, so coverage shows every branch -------------------------


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_national_admin(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.NATIONAL_ADMIN


def is_provincial_officer(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.PROVINCIAL and user.organisation_id is not None


def is_implementing_officer(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.IMPLEMENTING and user.organisation_id is not None


def is_expert(user: Any) -> bool:
    return is_active_user(user) and user.role == Role.EXPERT


def is_officer_of_province(user: Any, province_id: int | None) -> bool:
    return is_provincial_officer(user) and province_id is not None and user.organisation_id == province_id


def is_implementing_unit_of_province(org: Organisation, province_id: int | None) -> bool:
    return org.kind == Kind.IMPLEMENTING and org.province_id == province_id


# --- scopes ----------------------------------------------------------------------------------


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """National administrators see all; a provincial officer its province and its units;
    an implementing officer its own unit; nobody else anything."""
    orgs = Organisation.objects.all()
    if is_national_admin(user):
        return orgs
    if is_provincial_officer(user):
        return orgs.filter(Q(pk=user.organisation_id) | Q(province_id=user.organisation_id))
    if is_implementing_officer(user):
        return orgs.filter(pk=user.organisation_id)
    return orgs.none()


def visible_users(user: Any) -> QuerySet[User]:
    """The accounts a user may see in the account pages: all for the national administrator,
    the implementing officers of its own province for a provincial officer."""
    users = User.objects.select_related("organisation")
    if is_national_admin(user):
        return users
    if is_provincial_officer(user):
        return users.filter(
            role=Role.IMPLEMENTING,
            organisation__kind=Kind.IMPLEMENTING,
            organisation__province_id=user.organisation_id,
        )
    return users.none()


# --- actions ---------------------------------------------------------------------------------


def _can_create_account(user: Any, org: Organisation | None) -> bool:
    if is_national_admin(user):
        return True
    if org is None:
        return is_provincial_officer(user)
    return is_provincial_officer(user) and is_implementing_unit_of_province(org, user.organisation_id)


def _can_change_account(user: Any, account: User | None) -> bool:
    if account is None:
        return False
    if is_national_admin(user):
        return True
    return (
        is_provincial_officer(user)
        and account.role == Role.IMPLEMENTING
        and account.organisation is not None
        and is_implementing_unit_of_province(account.organisation, user.organisation_id)
    )


RULES: dict[str, Callable[[Any, Any], bool]] = {
    Action.MANAGE_ACCOUNTS: lambda user, obj: is_national_admin(user) or is_provincial_officer(user),
    Action.CREATE_ACCOUNT: _can_create_account,
    Action.CHANGE_ACCOUNT: _can_change_account,
    Action.MANAGE_ORGANISATIONS: lambda user, obj: is_national_admin(user),
    Action.IMPORT_COUNTY_LISTS: lambda user, obj: is_national_admin(user),
    Action.MANAGE_ROUNDS: lambda user, obj: is_national_admin(user),
    Action.USE_ADMIN: lambda user, obj: is_national_admin(user),
}


def can(user: Any, action: str, obj: Model | None = None) -> bool:
    """May `user` do `action` (to `obj`)? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))
