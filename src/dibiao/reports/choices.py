from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Theme(models.TextChoices):
    """The four actions of notice 二; a typical case shows one or more of them."""

    FOUNDATION = "foundation", _("Strengthening quality and foundations")
    BRAND = "brand", _("Brand building")
    INDUSTRY = "industry", _("Strengthening the industrial chain")
    CAPACITY = "capacity", _("Capacity building")


# The actions as the notice names them (（一）提质强基行动。…), in the notice's order.
THEME_BY_NOTICE_NAME: dict[str, Theme] = {
    "提质强基": Theme.FOUNDATION,
    "品牌建设": Theme.BRAND,
    "产业强链": Theme.INDUSTRY,
    "能力提升": Theme.CAPACITY,
}


class SummaryState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("summary state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("summary state", "Submitted")


class SummaryEvent(models.TextChoices):
    """The audit verbs of a summary (core.audit) its page lists as history, with their labels."""

    STARTED = "summary.started", pgettext_lazy("summary event", "Started")
    SUBMITTED = "summary.submitted", pgettext_lazy("summary event", "Submitted to CNIPA")
    RETURNED = "summary.returned", pgettext_lazy("summary event", "Returned to the province")


class SummaryStatus(models.TextChoices):
    """A province's standing for one year, as the national overview shows it."""

    SUBMITTED = "submitted", pgettext_lazy("summary status", "Submitted on time")
    LATE = "late", pgettext_lazy("summary status", "Submitted late")
    MISSING = "missing", pgettext_lazy("summary status", "Not submitted")


class ReminderKind(models.TextChoices):
    SEVEN_DAYS = "7d", _("7 days before the due date")
    ONE_DAY = "1d", _("1 day before the due date")


# How many days before the due date each reminder goes out.
REMINDER_DAYS: dict[str, int] = {ReminderKind.SEVEN_DAYS: 7, ReminderKind.ONE_DAY: 1}


class DeliveryState(models.TextChoices):
    """Where one recipient's e-mail of a reminder stands (reminders.py says how it moves)."""

    PENDING = "pending", pgettext_lazy("reminder e-mail", "Waiting")
    SENDING = "sending", pgettext_lazy("reminder e-mail", "Being sent")
    SENT = "sent", pgettext_lazy("reminder e-mail", "Sent")
    FAILED = "failed", pgettext_lazy("reminder e-mail", "Failed")
    SKIPPED = "skipped", pgettext_lazy("reminder e-mail", "Not sent")


# The e-mails a run may (still) send: never one that is being sent or may have gone out.
OPEN_DELIVERY_STATES = (DeliveryState.PENDING, DeliveryState.FAILED)


class CaseState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("case state", "Draft")
    PROPOSED = "proposed", pgettext_lazy("case state", "Proposed to CNIPA")
    ACCEPTED = "accepted", pgettext_lazy("case state", "Accepted")
    PUBLISHED = "published", pgettext_lazy("case state", "Published")


class FollowUpKind(models.TextChoices):
    """What CNIPA does for a key project (notice 三(四): 工作联系、业务指导和政策扶持)."""

    CONTACT = "contact", _("Contact")
    GUIDANCE = "guidance", pgettext_lazy("follow-up kind", "Guidance")
    SUPPORT = "support", _("Policy support")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("task status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    DONE = "done", pgettext_lazy("task status", "Done")
