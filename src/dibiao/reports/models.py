import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dibiao.reports.choices import (
    CaseState,
    DeliveryState,
    FollowUpKind,
    ReminderKind,
    SummaryState,
    TaskStatus,
    Theme,
)

# The action started in 2021 (国知发运字〔2021〕20号): no report is about an earlier year.
FIRST_YEAR = 2021
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def summary_due_at(year: int) -> dt.datetime:
    """The last moment a summary of `year` is on time: 10 December, 23:59:59, Beijing time."""
    return dt.datetime(year, 12, 10, 23, 59, 59, tzinfo=SHANGHAI)


def summary_late_from(year: int) -> dt.datetime:
    """The first moment a summary of `year` is late: 11 December, 00:00, Beijing time."""
    return dt.datetime(year, 12, 11, tzinfo=SHANGHAI)


class StoredFile(models.Model):
    """An uploaded file kept under MEDIA_ROOT by its content hash, served only through views
    that check who may read its owner, under the sanitised name it was uploaded with."""

    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


# --- annual work summary (工作总结, notice 三(五)) ------------------------------------------------


class AnnualSummary(models.Model):
    """A provincial unit's work summary of one year, due 10 December of that year."""

    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="annual_summaries",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=16, choices=SummaryState.choices, default=SummaryState.DRAFT
    )
    progress = models.TextField(_("progress of the action"), blank=True)
    problems = models.TextField(pgettext_lazy("annual summary", "problems"), blank=True)
    results = models.TextField(_("results"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    # The last return by CNIPA (every return is in the audit log): the province reads why.
    return_reason = models.TextField(_("reason for return"), blank=True)
    returned_at = models.DateTimeField(_("time of return"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("annual work summary")
        verbose_name_plural = _("annual work summaries")
        ordering = ["-year", "province__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="summary_one_per_province_year"),
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR), name="summary_year_not_before_2021"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="summary_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.province}"

    @property
    def due_at(self) -> dt.datetime:
        return summary_due_at(self.year)

    @property
    def is_submitted(self) -> bool:
        return self.state == SummaryState.SUBMITTED

    @property
    def is_returned(self) -> bool:
        """A draft again because CNIPA returned it, waiting to be submitted again."""
        return self.state == SummaryState.DRAFT and self.returned_at is not None


def summary_attachment_path(instance: "SummaryAttachment", filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no clashes.
    return f"reports/summaries/{instance.summary_id}/{instance.sha256}"


class SummaryAttachment(StoredFile):
    summary = models.ForeignKey(
        AnnualSummary, verbose_name=_("summary"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=summary_attachment_path, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("summary attachment")
        verbose_name_plural = _("summary attachments")


class SummaryReminder(models.Model):
    """One reminder to one province for one year's summary: its row claims the reminder, so
    that it is started once; its deliveries say which officer's e-mail went out."""

    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.CASCADE,
        related_name="summary_reminders",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("reminder"), max_length=4, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("summary reminder")
        verbose_name_plural = _("summary reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "kind"], name="summary_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.province}: {self.get_kind_display()}"


class ReminderDelivery(models.Model):
    """One officer's e-mail of one reminder. Claimed (sending) before it is handed to the mail
    server and marked sent after, so no run sends it twice; a failed one is tried again."""

    reminder = models.ForeignKey(
        SummaryReminder,
        verbose_name=_("summary reminder"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The kind of error only (e.g. SMTPServerDisconnected): a mail server's message may name addresses.
    error = models.CharField(_("error"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        ordering = ["reminder", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="reminder_delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "reminder"])]

    def __str__(self) -> str:
        return f"{self.reminder}: {self.get_state_display()}"


# --- typical cases (典型案例) ----------------------------------------------------------------------


class TypicalCase(models.Model):
    """Good practice a province proposes and CNIPA curates and publishes (notice 三(五))."""

    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    title = models.CharField(_("title"), max_length=200)
    gi_name = models.CharField(_("geographical indication"), max_length=100)
    place = models.CharField(_("place"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"))
    full_text = models.TextField(_("full text"))
    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.DRAFT, db_index=True
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-published_at", "-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR), name="case_year_not_before_2021"),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="case_published_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "province"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == CaseState.PUBLISHED


class CaseTheme(models.Model):
    """One of the four actions a case shows (a case may show several)."""

    case = models.ForeignKey(
        TypicalCase, verbose_name=_("typical case"), on_delete=models.CASCADE, related_name="theme_rows"
    )
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)

    class Meta:
        verbose_name = _("case theme")
        verbose_name_plural = _("case themes")
        ordering = ["case", "theme"]
        constraints = [models.UniqueConstraint(fields=["case", "theme"], name="case_theme_once")]

    def __str__(self) -> str:
        return self.get_theme_display()


def case_photo_path(instance: "CasePhoto", filename: str) -> str:
    return f"reports/cases/{instance.case_id}/{instance.sha256}"


class CasePhoto(StoredFile):
    case = models.ForeignKey(
        TypicalCase, verbose_name=_("typical case"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=case_photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)

    class Meta(StoredFile.Meta):
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")


# --- key-project follow-up (notice 三(四)) --------------------------------------------------------


class FollowUpEntry(models.Model):
    """One contact, piece of guidance or support CNIPA gave a key project."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("key project"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=FollowUpKind.choices)
    by = models.CharField(_("by whom"), max_length=100)
    text = models.TextField(_("what"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}"


class ProgressNote(models.Model):
    """A key project's implementing unit reports its progress, once a year."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("key project"),
        on_delete=models.CASCADE,
        related_name="progress_notes",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("progress"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("yearly progress note")
        verbose_name_plural = _("yearly progress notes")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "year"], name="progress_note_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}"


# --- local action plans (行动方案, notice 三(二)) -------------------------------------------------


class ActionPlan(models.Model):
    """A province's own plan for the action: targets, schedule, paths and who does what."""

    province = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="action_plan",
    )
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    targets = models.TextField(_("targets"))
    schedule = models.TextField(_("schedule"))
    paths = models.TextField(_("implementation paths"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last saved by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("local action plan")
        verbose_name_plural = _("local action plans")
        ordering = ["province__sort_key"]

    def __str__(self) -> str:
        return self.title


class PlanResponsibility(models.Model):
    """One row of the plan's division of responsibilities (责任分工)."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    task = models.CharField(_("task"), max_length=300)
    responsible_body = models.CharField(_("responsible body"), max_length=200)
    deadline = models.DateField(pgettext_lazy("plan", "deadline"))
    measure = models.TextField(_("measure"))

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_responsibility_position_unique"),
        ]

    def __str__(self) -> str:
        return self.task


def plan_attachment_path(instance: "PlanAttachment", filename: str) -> str:
    return f"reports/plans/{instance.plan_id}/{instance.sha256}"


class PlanAttachment(StoredFile):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=plan_attachment_path, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("action plan attachment")
        verbose_name_plural = _("action plan attachments")


# --- the action's tasks (notice 二) ---------------------------------------------------------------


class Action(models.Model):
    """One of the four actions of notice 二, with the departments its closing parenthesis names.

    Loaded from the notice's text by `manage.py load_action_tasks`. `department_names` keeps the
    names as the notice writes them (运用促进司); `departments` links the organisations found.
    """

    theme = models.CharField(
        pgettext_lazy("notice", "action"), max_length=16, choices=Theme.choices, unique=True
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=32)
    responsible_text = models.CharField(_("responsible (as the notice says)"), max_length=200)
    department_names = models.JSONField(_("responsible departments"), default=list)
    includes_local_offices = models.BooleanField(_("local IP offices responsible too"), default=False)
    departments = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("departments"), blank=True, related_name="actions"
    )

    class Meta:
        verbose_name = pgettext_lazy("notice", "action")
        verbose_name_plural = pgettext_lazy("notice", "actions")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ActionTask(models.Model):
    """A numbered task of an action (一是, 二是, …): its headline and the notice's full text."""

    action = models.ForeignKey(
        Action, verbose_name=pgettext_lazy("notice", "action"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("task", "number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("task of the action")
        verbose_name_plural = _("tasks of the action")
        ordering = ["action__position", "number"]
        constraints = [models.UniqueConstraint(fields=["action", "number"], name="action_task_number_unique")]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.Model):
    """A responsible department's progress on one task in one year."""

    task = models.ForeignKey(
        ActionTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress"
    )
    department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="task_progress",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    text = models.TextField(_("progress"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last saved by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        ordering = ["task", "year", "department__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "year"], name="task_progress_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.task}: {self.get_status_display()}"
