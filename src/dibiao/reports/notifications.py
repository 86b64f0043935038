"""Telling a province that CNIPA returned its annual work summary.

`notify_summary_returned` writes one notice (recommendations' Notification, shown in every
officer's list of notices) per active officer of the province, inside the return's
transaction. After commit, the task worker e-mails them to those who want e-mail
(`tasks.task_send_summary_return_emails` → `send_return_emails`). Each e-mail is claimed by
setting the notice's `emailed_at` before sending and released when sending fails, so a rerun
sends nothing twice. Log lines name ids only, never names or addresses.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.recommendations.models import Notification
from dibiao.recommendations.notifications import email_each
from dibiao.reports.models import AnnualSummary

logger = logging.getLogger(__name__)

NOTICE_LANGUAGE = "zh-hans"
TEXT_MAX = 300  # Notification.text


def province_officers(summary: AnnualSummary) -> QuerySet[User]:
    """The active officers of the summary's province."""
    return User.objects.filter(
        role=Role.PROVINCIAL, organisation_id=summary.province_id, is_active=True
    ).order_by("pk")


def return_notice_text(summary: AnnualSummary) -> str:
    """The notice, in the product's language (Chinese), at most 300 characters."""
    with translation.override(NOTICE_LANGUAGE):
        text = _(
            "CNIPA returned the work summary of %(year)d of %(province)s: change it and submit it "
            "again. Reason: %(reason)s"
        ) % {"year": summary.year, "province": summary.province.name, "reason": summary.return_reason}
    return Truncator(text).chars(TEXT_MAX)


def notify_summary_returned(summary: AnnualSummary, *, actor: User) -> list[Notification]:
    """Write one notice per officer of the province (inside the return's transaction)."""
    users = list(province_officers(summary).exclude(pk=actor.pk))
    text = return_notice_text(summary)
    link = reverse("reports:summary_detail", args=[summary.pk])
    return Notification.objects.bulk_create([Notification(user=user, text=text, link=link) for user in users])


def _message(notification: Notification, summary: AnnualSummary) -> EmailMessage:
    context = {
        "summary": summary,
        "text": notification.text,
        "link": settings.SITE_URL.rstrip("/") + reverse("reports:summary_detail", args=[summary.pk]),
        "product_name": settings.PRODUCT_NAME,
    }
    with translation.override(NOTICE_LANGUAGE):
        subject = render_to_string("reports/email/summary_returned_subject.txt", context)
        body = render_to_string("reports/email/summary_returned.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.user.email])


def send_return_emails(summary_id: int, notification_ids: list[int]) -> int:
    """E-mail the return's notices to the officers who want e-mail; return how many were sent.
    Idempotent: each notice is claimed (emailed_at) before sending; a failed one is released."""
    summary = AnnualSummary.objects.select_related("province").filter(pk=summary_id).first()
    if summary is None:
        return 0
    pending = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    sent, failed = email_each(
        pending, lambda notification: _message(notification, summary), about=f"summary {summary.pk} returned"
    )
    logger.info("summary %s returned: %s notice e-mails sent, %s failed", summary.pk, sent, failed)
    return sent
