from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    """DOMAIN §5. A return sends a recommendation one state back (shown as "returned")."""

    DRAFT = "draft", pgettext_lazy("recommendation state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("recommendation state", "Submitted to the province")
    RECOMMENDED = "recommended", pgettext_lazy("recommendation state", "Recommended")
    RECEIVED = "received", pgettext_lazy("recommendation state", "Received by CNIPA")
    IN_REVIEW = "in_review", pgettext_lazy("recommendation state", "In expert review")
    REVIEWED = "reviewed", pgettext_lazy("recommendation state", "Reviewed")
    SELECTED = "selected", pgettext_lazy("recommendation state", "Selected as key project")
    NOT_SELECTED = "not_selected", pgettext_lazy("recommendation state", "Not selected")


# States in which a recommendation counts against its province's quota.
HOLDS_QUOTA = (
    State.RECOMMENDED,
    State.RECEIVED,
    State.IN_REVIEW,
    State.REVIEWED,
    State.SELECTED,
    State.NOT_SELECTED,
)


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("recommendation action", "Create")
    SUBMIT = "submit", pgettext_lazy("recommendation action", "Submit to the province")
    RETURN = "return", pgettext_lazy("recommendation action", "Return to the implementing unit")
    RECOMMEND = "recommend", pgettext_lazy("recommendation action", "Recommend to CNIPA")
    WITHDRAW = "withdraw", pgettext_lazy("recommendation action", "Withdraw the recommendation")
    RECEIVE = "receive", pgettext_lazy("recommendation action", "Receive and number")
    RETURN_TO_PROVINCE = (
        "return_to_province",
        pgettext_lazy("recommendation action", "Return to the province (formal defect)"),
    )
    START_REVIEW = "start_review", pgettext_lazy("recommendation action", "Send to expert review")
    COMPLETE_REVIEW = "complete_review", pgettext_lazy("recommendation action", "Complete the expert review")
    SELECT = "select", pgettext_lazy("recommendation action", "Select as key project")
    NOT_SELECT = "not_select", pgettext_lazy("recommendation action", "Do not select")


class Section(models.TextChoices):
    """Where an uploaded file belongs on the form."""

    INTRODUCTION = "introduction", _("Project introduction: attached pages")
    ACHIEVEMENTS = "achievements", _("Results: attached pages")
    PRACTICES = "practices", _("Main measures: attached pages")
    SAFEGUARDS = "safeguards", _("Safeguards: attached pages")
    IMPLEMENTING_SEAL = "implementing_seal", _("Implementing unit's sealed page")
    RECOMMENDING_SEAL = "recommending_seal", _("Recommending unit's sealed page")


LONG_TEXT_SECTIONS = (Section.INTRODUCTION, Section.ACHIEVEMENTS, Section.PRACTICES, Section.SAFEGUARDS)
