"""Telling whoever must act next: Notification rows in the product, then e-mails.

`notify(transition)` writes the rows inside the step's transaction; the e-mails go out after
commit, from the task worker (`tasks.task_send_notification_emails` → `send_emails`). Each
notification is e-mailed at most once: it is claimed by setting `emailed_at` before sending,
and the transition's `notified_at` marks the batch done, so a rerun sends nothing twice.
Log lines name ids only, never names, phones or e-mail addresses.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.recommendations.choices import Action
from dibiao.recommendations.models import Notification, Recommendation, Transition

logger = logging.getLogger(__name__)

NOTICE_LANGUAGE = "zh-hans"
TEXT_MAX = 300

# Who hears of each step: the people who must act next first, then those whose project moved.
UNIT, PROVINCE, NATIONAL = "unit", "province", "national"
AUDIENCES: dict[str, tuple[str, ...]] = {
    Action.SUBMIT: (PROVINCE,),
    Action.RETURN: (UNIT,),
    Action.RECOMMEND: (NATIONAL,),
    Action.WITHDRAW: (UNIT, NATIONAL),
    Action.RECEIVE: (PROVINCE, UNIT),
    Action.RETURN_TO_PROVINCE: (PROVINCE, UNIT),
}


def recipients(transition: Transition) -> QuerySet[User]:
    """The active users to tell of `transition`, without the person who took the step."""
    rec = transition.recommendation
    audiences = AUDIENCES.get(transition.action, ())
    if not audiences:
        return User.objects.none()
    who = Q(pk__in=[])
    if UNIT in audiences:
        who |= Q(role=Role.IMPLEMENTING, organisation_id=rec.implementing_unit_id)
    if PROVINCE in audiences:
        who |= Q(role=Role.PROVINCIAL, organisation_id=rec.province_id)
    if NATIONAL in audiences:
        who |= Q(role=Role.NATIONAL_ADMIN)
    return User.objects.filter(who, is_active=True).exclude(pk=transition.actor_id).order_by("pk")


def notice_text(transition: Transition) -> str:
    """The notice, in the product's language (Chinese), at most 300 characters."""
    rec = transition.recommendation
    values = {
        "project": str(rec),
        "unit": rec.implementing_unit.name,
        "province": rec.province.name,
        "number": rec.number or "",
        "reason": transition.reason,
    }
    with translation.override(NOTICE_LANGUAGE):
        texts: dict[str, str] = {
            Action.SUBMIT: _("%(unit)s submitted “%(project)s”: recommend it to CNIPA or return it."),
            Action.RETURN: _("%(province)s returned “%(project)s” to be changed. Reason: %(reason)s"),
            Action.RECOMMEND: _("%(province)s recommended “%(project)s” to CNIPA: receive it."),
            Action.WITHDRAW: _(
                "%(province)s withdrew its recommendation of “%(project)s”. Reason: %(reason)s"
            ),
            Action.RECEIVE: _("CNIPA received “%(project)s” and gave it the number %(number)s."),
            Action.RETURN_TO_PROVINCE: _(
                "CNIPA returned “%(project)s” to %(province)s for a formal defect. Reason: %(reason)s"
            ),
        }
        text = texts.get(transition.action, _("“%(project)s” moved on.")) % values
    return Truncator(text).chars(TEXT_MAX)


def notify(transition: Transition) -> list[Notification]:
    """Write one Notification per recipient of `transition` (inside its transaction)."""
    users = list(recipients(transition))
    if not users:
        return []
    text = notice_text(transition)
    return Notification.objects.bulk_create(
        [
            Notification(
                user=user, transition=transition, recommendation=transition.recommendation, text=text
            )
            for user in users
        ]
    )


def _link(rec: Recommendation) -> str:
    try:
        path = reverse("recommendations:detail", args=[rec.pk])
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def _message(notification: Notification, rec: Recommendation) -> EmailMessage:
    context = {
        "notification": notification,
        "recommendation": rec,
        "text": notification.text,
        "link": _link(rec),
        "product_name": settings.PRODUCT_NAME,
    }
    with translation.override(NOTICE_LANGUAGE):
        subject = render_to_string("recommendations/email/notification_subject.txt", context)
        body = render_to_string("recommendations/email/notification.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.user.email])


def email_each(
    pending: Iterable[Notification], message: Callable[[Notification], EmailMessage], *, about: str
) -> tuple[int, int]:
    """E-mail each of `pending` to its recipient if they want e-mail; return (sent, failed).
    Each notification is claimed (emailed_at) before sending, so two runs never send it twice,
    and released when sending fails, so a rerun may. The log names ids and the error's kind
    only: a mail server's message may quote addresses."""
    sent = failed = 0
    for notification in pending:
        user = notification.user
        if not (user.is_active and user.wants_email and user.email):
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            message(notification).send()
        except Exception as error:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            logger.warning(
                "notification %s (%s): e-mail failed (%s)", notification.pk, about, type(error).__name__
            )
            failed += 1
            continue
        sent += 1
    return sent, failed


def send_emails(transition_id: int) -> int:
    """E-mail the notifications of one transition to those who want e-mail; return how many
    were sent. Idempotent: each notification is claimed (emailed_at) before sending, and the
    transition is marked (notified_at) when all went out; a failed one is released for a rerun."""
    transition = (
        Transition.objects.select_related("recommendation", "recommendation__round")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None or transition.notified_at is not None:
        return 0
    rec = transition.recommendation
    pending = transition.notifications.select_related("user").filter(emailed_at__isnull=True).order_by("pk")
    sent, failed = email_each(
        pending, lambda notification: _message(notification, rec), about=f"transition {transition.pk}"
    )
    if not failed:
        Transition.objects.filter(pk=transition.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    logger.info("transition %s: %s notice e-mails sent, %s failed", transition.pk, sent, failed)
    return sent
