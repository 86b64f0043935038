from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dibiao.documents.choices import FileKind, FileStatus


class GeneratedFile(models.Model):
    """A file that a task builds for one person (a round's archive): its progress while it is
    built, then where it lies (under MEDIA_ROOT/exports, served only through a view that checks
    who may read it) until it expires and is deleted."""

    kind = models.CharField(_("kind"), max_length=16, choices=FileKind.choices)
    round = models.ForeignKey(
        "rounds.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="generated_files"
    )
    # The provincial unit whose recommendations it holds; empty: every province's.
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_files",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FileStatus.choices, default=FileStatus.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Relative to MEDIA_ROOT, e.g. exports/5f0c….zip; empty until the file is ready.
    path = models.CharField(_("file"), max_length=200, blank=True)
    filename = models.CharField(_("download name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    item_count = models.PositiveIntegerField(_("recommendations"), default=0)
    # What went wrong: for the whole file (status failed), or a note on single items.
    error = models.TextField(_("problems"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="generated_file_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (FileStatus.DONE, FileStatus.FAILED)

    @property
    def is_ready(self) -> bool:
        return self.status == FileStatus.DONE and bool(self.path) and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
