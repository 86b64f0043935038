from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FileKind(models.TextChoices):
    ARCHIVE = "archive", _("Round archive (.zip)")


class FileStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("generated file", "Waiting")
    RUNNING = "running", pgettext_lazy("generated file", "Being built")
    DONE = "done", pgettext_lazy("generated file", "Ready")
    FAILED = "failed", pgettext_lazy("generated file", "Failed")
