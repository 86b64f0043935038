from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dibiao.recommendations.choices import Action, Section, State

SCHEMA_VERSION = "2021.1"


class Recommendation(models.Model):
    """A recommendation (推荐书, Attachment 1) of one implementing unit in one round.

    The form's content lives in `data`, in the shape of data/recommendation.schema.json (the
    one interchange shape), without `number` and `year`, which are columns. `project_name`
    is copied out of `data` for lists. `revision` grows with every save, so that two tabs
    editing one draft notice each other instead of overwriting.
    """

    round = models.ForeignKey(
        "rounds.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="recommendations"
    )
    implementing_unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("implementing unit"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    # The recommending provincial unit: the implementing unit's province, kept on the row
    # for scoping and for counting the quota under its lock.
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("recommending unit"),
        on_delete=models.PROTECT,
        related_name="province_recommendations",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    data = models.JSONField(_("form content"), default=dict)
    schema_version = models.CharField(_("schema version"), max_length=16, default=SCHEMA_VERSION)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # 编号, assigned on receipt: year-province code-sequence, e.g. 2021-37-01.
    number = models.CharField(_("number"), max_length=16, null=True, blank=True)
    number_seq = models.PositiveSmallIntegerField(_("sequence"), null=True, blank=True)
    is_returned = models.BooleanField(_("returned"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("recommended"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    paper_received_at = models.DateTimeField(_("paper copy received"), null=True, blank=True)
    paper_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paper copy received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["round", "province__sort_key", "number_seq", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"],
                condition=Q(number__isnull=False),
                name="recommendation_number_unique",
            ),
            models.UniqueConstraint(
                fields=["round", "province", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="recommendation_sequence_unique",
            ),
        ]
        indexes = [models.Index(fields=["round", "province", "state"])]

    def __str__(self) -> str:
        return self.project_name or str(_("(untitled recommendation)"))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("recommendations:detail", args=[self.pk])


class Version(models.Model):
    """What was submitted (or recommended), frozen. A later edit never changes a version."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    data = models.JSONField(_("form content"))
    # Ids, names and digests of the attachments at the time of freezing.
    attachments = models.JSONField(_("attachments"), default=list)
    # The first 12 hex digits of SHA-256 over the canonical JSON of data and attachments:
    # printed on the paper copy, so a clerk can tell which version a sealed copy is.
    fingerprint = models.CharField(_("fingerprint"), max_length=12, db_index=True)
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["recommendation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.fingerprint}"


class Transition(models.Model):
    """One step along the path: who, when, from, to, why. Also the outbox for notices."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    version = models.ForeignKey(
        Version, verbose_name=_("version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(_("notices sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.from_state} → {self.to_state}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no clashes.
    return f"recommendations/{instance.recommendation_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file on a recommendation: attached pages of a long text, or a sealed page.

    Stored under MEDIA_ROOT (outside the web root) by content hash; served only through a
    view that checks who may read the recommendation, under a safe download name.
    """

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="attachments"
    )
    section = models.CharField(_("section"), max_length=24, choices=Section.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Removing an attachment from a draft hides it; versions that listed it still can serve it.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["section", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """Tells a person that they must act (or that something of theirs moved)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    transition = models.ForeignKey(
        Transition,
        verbose_name=_("transition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=300)
    # Where a notice that is not about a recommendation leads (a path of this site, e.g. a
    # returned annual summary).
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "transition"], condition=Q(transition__isnull=False), name="notification_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text
