from django.db import models
from django.utils.translation import pgettext_lazy


class ReviewState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review state", "Submitted")


class TieKind(models.TextChoices):
    WORKED_FOR = "worked_for", pgettext_lazy("conflict of interest", "Works or worked for the unit")
    ADVISED = "advised", pgettext_lazy("conflict of interest", "Advised on the project")
    RELATIVE = "relative", pgettext_lazy("conflict of interest", "Close relative at the unit")
    OTHER = "other", pgettext_lazy("conflict of interest", "Other tie")
