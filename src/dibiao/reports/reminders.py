"""Reminding provinces of the annual work summary: 7 days and 1 day before 10 December.

`send_summary_reminders(now)` is safe to run as often as one likes (the daily task, cron, or
by hand): each reminder is first claimed by inserting its SummaryReminder row, whose unique
constraint (province, year, kind) lets only one run win; the e-mails go out after that. If
sending fails, the claim is released so that the next run tries again. Log lines name ids
and counts only, never names or addresses.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.reports.choices import REMINDER_DAYS, ReminderKind, SummaryState
from dibiao.reports.models import SHANGHAI, AnnualSummary, SummaryReminder, summary_due_at

logger = logging.getLogger(__name__)

REMINDER_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class ReminderRun:
    year: int
    kind: str | None
    provinces: int
    emails: int


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


def send_summary_reminders(now: dt.datetime | None = None) -> ReminderRun:
    """Send the reminder due at `now` to every provincial unit that has not submitted its
    summary of the year and has not had this reminder yet; return what was done."""
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
    province_count = 0
    email_count = 0
    for province in provinces:
        users = recipients(province)
        try:
            with transaction.atomic():
                claim = SummaryReminder.objects.create(
                    province=province, year=year, kind=kind, recipient_count=len(users)
                )
        except IntegrityError:
            continue  # another run claimed it first
        try:
            for user in users:
                _message(user, province, year, kind).send()
        except Exception:
            claim.delete()
            logger.exception(
                "summary reminder %s for province %s, %s: sending failed", kind, province.pk, year
            )
            continue
        province_count += 1
        email_count += len(users)
        logger.info(
            "summary reminder %s for province %s, %s: %s e-mails", kind, province.pk, year, len(users)
        )
    return ReminderRun(year, kind, province_count, email_count)
