"""Every write to accounts: create, change, disable and enable, unlock, password e-mails, and
the log-in bookkeeping behind the lockout.

Services re-check permissions themselves (a form or an API may be wrong) and raise
`DomainError` with a message for the user. Audit events and log lines name ids only, never a
name, phone number or e-mail address.
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from dibiao.accounts import permissions, tasks
from dibiao.accounts.choices import AccountEvent, Role
from dibiao.accounts.models import User
from dibiao.accounts.permissions import Action
from dibiao.core import audit
from dibiao.core.errors import DomainError
from dibiao.organisations.models import Organisation

logger = logging.getLogger(__name__)

# E-mails are written in the product's primary language whatever the sender's page showed.
MAIL_LANGUAGE = "zh-hans"


# --- checks shared by the forms and the services --------------------------------------------


def check_assignment(actor: Any, role: str, organisation: Organisation | None) -> None:
    """Raise DomainError unless `actor` may give an account of `role` the `organisation`.

    The checks go from the most general to the most specific, each with its own message.
    """
    if role not in permissions.creatable_roles(actor):
        raise DomainError(_("You may not create or change accounts with this role."), field="role")
    if organisation is None and permissions.role_needs_organisation(role):
        raise DomainError(_("Choose the organisation the account belongs to."), field="organisation")
    if not permissions.role_fits_organisation(role, organisation):
        raise DomainError(_("This organisation does not fit the account's role."), field="organisation")
    if not permissions.can_assign(actor, role, organisation):
        raise DomainError(
            _("You may only manage accounts of the implementing units of your own province."),
            field="organisation",
        )


def check_username_free(username: str, *, exclude_pk: int | None = None) -> None:
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise DomainError(_("This user name is taken already."), field="username")


def _check_may_change(actor: Any, account: User) -> None:
    if not permissions.can(actor, Action.CHANGE_ACCOUNT, account):
        raise DomainError(_("You may not change this account."))


# --- account management ---------------------------------------------------------------------


def create_account(
    actor: Any,
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    organisation: Organisation | None,
    phone: str = "",
) -> User:
    """Create an account and invite its holder to choose a password.

    Checks that `actor` may give `role` at `organisation`, that the user name is free (case
    ignored) and that there is an e-mail address to invite; then saves the user with no
    usable password (national administrators get is_staff and is_superuser, nobody else),
    records `account.created`, and after commit queues `task_send_invitation`.
    Raises DomainError (with the field it concerns) if a check fails.
    """
    username = username.strip()
    email = email.strip()
    check_assignment(actor, role, organisation)
    check_username_free(username)
    if not email:
        raise DomainError(_("An e-mail address is needed to send the invitation."), field="email")
    is_admin = role == Role.NATIONAL_ADMIN
    account = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        phone=phone.strip(),
        role=role,
        organisation=organisation,
        is_staff=is_admin,
        is_superuser=is_admin,
        created_by=actor,
    )
    account.set_unusable_password()
    try:
        with transaction.atomic():
            account.save(force_insert=True)
            audit.record(
                actor,
                AccountEvent.CREATED,
                account,
                summary=f"account {account.pk} created, role {role}",
                role=role,
                organisation_id=organisation.pk if organisation else None,
            )
    except IntegrityError as error:
        # Two people created the same user name at the same moment: the database said no.
        raise DomainError(_("This user name is taken already."), field="username") from error
    transaction.on_commit(partial(tasks.task_send_invitation.enqueue, user_id=account.pk))
    logger.info("account %s created by %s", account.pk, actor.pk)
    return account


@transaction.atomic
def update_account(
    actor: Any,
    account: User,
    *,
    full_name: str,
    email: str,
    phone: str = "",
    organisation: Organisation | None,
) -> User:
    """Change an account's name, e-mail address, phone and organisation.

    Checks that `actor` may change the account and may give its role the new organisation;
    saves the changed fields only and records `account.updated` with their names (never
    their values). Changing nothing writes nothing. Raises DomainError.
    """
    _check_may_change(actor, account)
    if organisation != account.organisation:
        check_assignment(actor, account.role, organisation)
    if not email.strip():
        raise DomainError(_("An account needs an e-mail address."), field="email")
    new_values = {
        "full_name": full_name.strip(),
        "email": email.strip(),
        "phone": phone.strip(),
        "organisation": organisation,
    }
    changed = [name for name, value in new_values.items() if getattr(account, name) != value]
    if not changed:
        return account
    for name in changed:
        setattr(account, name, new_values[name])
    account.save(update_fields=changed)
    audit.record(
        actor,
        AccountEvent.UPDATED,
        account,
        summary=f"account {account.pk} changed: {', '.join(changed)}",
        fields=changed,
        organisation_id=account.organisation_id,
    )
    logger.info("account %s changed by %s: %s", account.pk, actor.pk, ",".join(changed))
    return account


@transaction.atomic
def set_account_active(actor: Any, account: User, active: bool) -> User:
    """Enable (`active`) or disable an account.

    A disabled account cannot log in, and its open sessions end at their next request.
    Nobody disables their own account. Records `account.enabled` or `account.disabled`;
    an account already in that state is left as it is. Raises DomainError.
    """
    _check_may_change(actor, account)
    if not active and permissions.is_same_person(actor, account):
        raise DomainError(_("You cannot disable your own account."))
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active"])
    verb = AccountEvent.ENABLED if active else AccountEvent.DISABLED
    audit.record(actor, verb, account, summary=f"account {account.pk} {'enabled' if active else 'disabled'}")
    logger.info("%s %s by %s", verb, account.pk, actor.pk)
    return account


@transaction.atomic
def unlock_account(actor: Any, account: User) -> User:
    """Lift a log-in lockout and forget the failed attempts. Records `account.unlocked`.
    Raises DomainError."""
    _check_may_change(actor, account)
    User.objects.filter(pk=account.pk).update(failed_login_count=0, locked_until=None)
    account.failed_login_count = 0
    account.locked_until = None
    audit.record(actor, AccountEvent.UNLOCKED, account, summary=f"account {account.pk} unlocked")
    logger.info("account %s unlocked by %s", account.pk, actor.pk)
    return account


@transaction.atomic
def send_password_reset(actor: Any, account: User) -> None:
    """E-mail the account a link to choose a new password (the invitation again, if the
    account has never had a password).

    Checks that `actor` may change the account and that the account is enabled and has an
    e-mail address; records `account.reset_sent`; after commit queues the e-mail task.
    Raises DomainError.
    """
    _check_may_change(actor, account)
    if not account.is_active:
        raise DomainError(_("This account is disabled: enable it before sending a link."))
    if not account.email:
        raise DomainError(_("This account has no e-mail address."))
    invite = not account.has_usable_password()
    audit.record(
        actor,
        AccountEvent.RESET_SENT,
        account,
        summary=f"account {account.pk}: {'invitation' if invite else 'password reset'} e-mail queued",
        invitation=invite,
    )
    task = tasks.task_send_invitation if invite else tasks.task_send_password_reset
    transaction.on_commit(partial(task.enqueue, user_id=account.pk))


def request_password_reset(email: str) -> int:
    """Someone asked for a reset link on the log-in page: queue one e-mail per enabled account
    with that address. Says nothing about whether any exists; returns how many were queued."""
    email = email.strip()
    if not email:
        return 0
    accounts = list(User.objects.filter(email__iexact=email, is_active=True))
    for account in accounts:
        audit.record(
            None, AccountEvent.RESET_REQUESTED, account, summary=f"account {account.pk}: reset asked"
        )
        transaction.on_commit(partial(tasks.task_send_password_reset.enqueue, user_id=account.pk))
    return len(accounts)


@transaction.atomic
def set_own_password(account: User, raw_password: str) -> User:
    """The holder chose a new password (from an invitation, a reset link, or the profile).

    Saves the password, lifts any lockout (the log-in page suggests a reset to a locked-out
    user) and records `account.password_set`. The password is validated by the form.
    """
    account.set_password(raw_password)
    account.failed_login_count = 0
    account.locked_until = None
    account.save(update_fields=["password", "failed_login_count", "locked_until"])
    audit.record(account, AccountEvent.PASSWORD_SET, account, summary=f"account {account.pk} password set")
    logger.info("account %s set its password", account.pk)
    return account


def update_preferences(account: User, *, wants_email: bool) -> User:
    """The holder's own settings (profile page): whether notices also come by e-mail."""
    if account.wants_email != wants_email:
        account.wants_email = wants_email
        account.save(update_fields=["wants_email"])
    return account


# --- log-in bookkeeping (accounts/backends.py) ------------------------------------------------


def register_login_failure(account: User) -> None:
    """Count one wrong password; at LOGIN_FAILURE_LIMIT in a row, lock the account for
    LOGIN_LOCKOUT_MINUTES and start counting again from zero. Records `account.locked`."""
    User.objects.filter(pk=account.pk).update(failed_login_count=F("failed_login_count") + 1)
    account.refresh_from_db(fields=["failed_login_count"])
    if account.failed_login_count < settings.LOGIN_FAILURE_LIMIT:
        return
    until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    User.objects.filter(pk=account.pk).update(failed_login_count=0, locked_until=until)
    account.failed_login_count = 0
    account.locked_until = until
    audit.record(None, AccountEvent.LOCKED, account, summary=f"account {account.pk} locked")
    logger.warning("account %s locked after %s failed log-ins", account.pk, settings.LOGIN_FAILURE_LIMIT)


def register_login_success(account: User) -> None:
    """A right password outside a lockout: forget earlier failures."""
    if account.failed_login_count or account.locked_until:
        User.objects.filter(pk=account.pk).update(failed_login_count=0, locked_until=None)
        account.failed_login_count = 0
        account.locked_until = None


# --- e-mails (run by accounts/tasks.py) --------------------------------------------------------


def set_password_link(account: User, url_name: str) -> str:
    """An absolute link to choose a password, valid for PASSWORD_RESET_TIMEOUT and only until
    the password changes (Django's password-reset token)."""
    path = reverse(
        url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send(account: User, template: str, link: str) -> None:
    context = {
        "user": account,
        "link": link,
        "site_url": settings.SITE_URL.rstrip("/"),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(MAIL_LANGUAGE):
        subject = "".join(render_to_string(f"accounts/email/{template}_subject.txt", context).splitlines())
        body = render_to_string(f"accounts/email/{template}.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [account.email]).send()


def _can_receive_mail(account: User) -> bool:
    if not account.is_active or not account.email:
        logger.info("account %s: no e-mail sent (disabled or no address)", account.pk)
        return False
    return True


def email_invitation(account: User) -> bool:
    """Send the invitation: the user name and a link to choose a password. Returns whether
    it was sent (not to a disabled account or one without an e-mail address)."""
    if not _can_receive_mail(account):
        return False
    _send(account, "invitation", set_password_link(account, "accounts:accept_invitation"))
    logger.info("invitation e-mailed to account %s", account.pk)
    return True


def email_password_reset(account: User) -> bool:
    """Send a link to choose a new password. Returns whether it was sent."""
    if not _can_receive_mail(account):
        return False
    _send(account, "password_reset", set_password_link(account, "accounts:password_reset_confirm"))
    logger.info("password-reset link e-mailed to account %s", account.pk)
    return True
