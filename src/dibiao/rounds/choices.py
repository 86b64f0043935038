from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("round state", "Draft")
    OPEN = "open", pgettext_lazy("round state", "Open")
    CLOSED = "closed", pgettext_lazy("round state", "Closed")
    IN_REVIEW = "in_review", pgettext_lazy("round state", "In review")
    DECIDED = "decided", pgettext_lazy("round state", "Decided")
    PUBLISHED = "published", pgettext_lazy("round state", "Published")


FORM_VERSION_2021 = "2021"
FORM_VERSIONS = [(FORM_VERSION_2021, _("Attachment 1 of 国知发运字〔2021〕20号"))]
