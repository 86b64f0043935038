"""Reminding provinces of the annual work summary: 7 days and 1 day before 10 December.

`send_summary_reminders(now)` is safe to run as often as one likes, and several at once (the
daily task, cron, or by hand). Every officer gets each reminder at most once:

1. Claim. For each provincial unit that has not submitted and has no row for the reminder
   due, one transaction inserts its SummaryReminder row with one ReminderDelivery per
   recipient. The unique constraint (province, year, kind) lets one run win; the others
   get an IntegrityError and leave the province to the winner's delivery rows.
2. Deliver. Each open delivery (waiting, or failed before) is taken by a conditional
   UPDATE to "sending" that commits before the message is handed to the mail server: of two
   runs, only the one whose UPDATE changed the row sends it. After the server accepted it,
   the row is marked sent; when sending raises, it is marked failed and the next run tries
   that one again, and only that one.
3. A row left "sending" means a run stopped between the claim and the mark (the worker was
   killed, the database went away): the mail server may have the message already, so it is
   never sent again, and the run reports it for a person to check.

Deliveries of a province that has submitted meanwhile are not sent. When a reminder's day
has passed, its failed deliveries are left: the next reminder replaces them. Log lines name
ids and counts only, never names or addresses (nor the mail server's messages, which may
quote addresses).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.reports.choices import (
    OPEN_DELIVERY_STATES,
    REMINDER_DAYS,
    DeliveryState,
    ReminderKind,
    SummaryState,
)
from dibiao.reports.models import SHANGHAI, AnnualSummary, ReminderDelivery, SummaryReminder, summary_due_at

logger = logging.getLogger(__name__)

REMINDER_LANGUAGE = "zh-hans"


# A delivery claimed longer ago than this by a run that never marked it has been interrupted.
INTERRUPTED_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ReminderRun:
    year: int
    kind: str | None
    provinces: int  # provinces that got at least one e-mail in this run
    emails: int  # e-mails sent in this run
    failed: int = 0  # e-mails that failed in this run; the next run tries them again
    interrupted: int = 0  # e-mails of the reminder left half-sent by an earlier run; never resent


def reminder_due(now: dt.datetime) -> tuple[int, ReminderKind | None]:
    """Which reminder is due at `now`, if any: the 7-day one from 00:00 (Beijing time) of the
    day 7 days before the due date, the 1-day one from 00:00 of the day before, none after
    the due date. When a run was missed, only the latest reminder goes out."""
    local = timezone.localtime(now, SHANGHAI)
    year = local.year
    due = summary_due_at(year)
    if local > due:
        return year, None
    due_kind = None
    for kind, days in sorted(REMINDER_DAYS.items(), key=lambda item: -item[1]):
        starts = dt.datetime.combine(due.date() - dt.timedelta(days=days), dt.time(), tzinfo=SHANGHAI)
        if local >= starts:
            due_kind = ReminderKind(kind)
    return year, due_kind


def recipients(province: Organisation) -> list[User]:
    """The province's active officers who want e-mail and have an address."""
    return list(
        User.objects.filter(
            role=Role.PROVINCIAL,
            organisation=province,
            is_active=True,
            wants_email=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def _message(user: User, province: Organisation, year: int, kind: ReminderKind) -> EmailMessage:
    due = summary_due_at(year)
    with translation.override(REMINDER_LANGUAGE):
        context = {
            "user": user,
            "province": province,
            "year": year,
            "days": REMINDER_DAYS[kind],
            "due": formats.date_format(due, "DATETIME_FORMAT"),
            "link": settings.SITE_URL.rstrip("/") + reverse("reports:summary_list"),
            "product_name": settings.PRODUCT_NAME,
        }
        subject = render_to_string("reports/email/summary_reminder_subject.txt", context)
        body = render_to_string("reports/email/summary_reminder.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def _claim(province: Organisation, year: int, kind: ReminderKind) -> bool:
    """Insert the province's reminder row and one delivery per recipient, in one transaction.
    False when another run has claimed it first."""
    users = recipients(province)
    try:
        with transaction.atomic():
            reminder = SummaryReminder.objects.create(
                province=province, year=year, kind=kind, recipient_count=len(users)
            )
            ReminderDelivery.objects.bulk_create(
                [ReminderDelivery(reminder=reminder, user=user) for user in users]
            )
    except IntegrityError:
        return False
    logger.info(
        "summary reminder %s for province %s, %s: claimed, %s recipients", kind, province.pk, year, len(users)
    )
    return True


def _mark(delivery: ReminderDelivery, state: DeliveryState, **fields: object) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(state=state, **fields)


def _deliver(delivery: ReminderDelivery, year: int, kind: ReminderKind) -> DeliveryState | None:
    """Take one delivery and send it; return how it ended, or None when another run has it."""
    taken = ReminderDelivery.objects.filter(pk=delivery.pk, state__in=OPEN_DELIVERY_STATES).update(
        state=DeliveryState.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not taken:
        return None
    user = delivery.user
    if not (user.is_active and user.wants_email and user.email):
        _mark(delivery, DeliveryState.SKIPPED)
        return DeliveryState.SKIPPED
    try:
        _message(user, delivery.reminder.province, year, kind).send()
    except Exception as error:  # any failure of the mail server: the next run tries again
        _mark(delivery, DeliveryState.FAILED, error=type(error).__name__[:100])
        logger.warning(
            "summary reminder %s, delivery %s (province %s, %s): sending failed (%s); the next run tries again",
            kind,
            delivery.pk,
            delivery.reminder.province_id,
            year,
            type(error).__name__,
        )
        return DeliveryState.FAILED
    _mark(delivery, DeliveryState.SENT, sent_at=timezone.now(), error="")
    return DeliveryState.SENT


def send_summary_reminders(now: dt.datetime | None = None) -> ReminderRun:
    """Send the reminder due at `now` to every provincial unit that has not submitted its
    summary of the year: claim the provinces not claimed yet, then send every open delivery
    of the reminder (the new ones and those that failed before). Return what this run did."""
    now = now or timezone.now()
    year, kind = reminder_due(now)
    if kind is None:
        return ReminderRun(year, None, 0, 0)
    submitted = AnnualSummary.objects.filter(year=year, state=SummaryState.SUBMITTED).values("province_id")
    reminded = SummaryReminder.objects.filter(year=year, kind=kind).values("province_id")
    provinces = (
        Organisation.objects.filter(kind=Kind.PROVINCIAL, is_active=True)
        .exclude(pk__in=submitted)
        .exclude(pk__in=reminded)
        .order_by("sort_key")
    )
    for province in provinces:
        _claim(province, year, kind)
    deliveries = (
        ReminderDelivery.objects.filter(
            reminder__year=year, reminder__kind=kind, state__in=OPEN_DELIVERY_STATES
        )
        .exclude(reminder__province__in=submitted)
        .select_related("user", "reminder__province")
        .order_by("pk")
    )
    outcomes: dict[DeliveryState, int] = dict.fromkeys(DeliveryState, 0)
    reached: set[int] = set()
    for delivery in deliveries:
        outcome = _deliver(delivery, year, kind)
        if outcome is None:
            continue
        outcomes[outcome] += 1
        if outcome == DeliveryState.SENT:
            reached.add(delivery.reminder.province_id)
    interrupted = list(
        ReminderDelivery.objects.filter(
            reminder__year=year,
            reminder__kind=kind,
            state=DeliveryState.SENDING,
            claimed_at__lt=timezone.now() - INTERRUPTED_AFTER,
        ).values_list("pk", flat=True)
    )
    if interrupted:
        logger.warning(
            "summary reminder %s, %s: deliveries %s were interrupted while sending and are not sent again",
            kind,
            year,
            interrupted,
        )
    logger.info(
        "summary reminder %s, %s: %s e-mails sent to %s provinces, %s failed",
        kind,
        year,
        outcomes[DeliveryState.SENT],
        len(reached),
        outcomes[DeliveryState.FAILED],
    )
    return ReminderRun(
        year,
        kind,
        len(reached),
        outcomes[DeliveryState.SENT],
        failed=outcomes[DeliveryState.FAILED],
        interrupted=len(interrupted),
    )
