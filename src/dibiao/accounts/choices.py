from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """DOMAIN §2. A user has exactly one role, tied to the kind of their organisation."""

    NATIONAL_ADMIN = "national_admin", _("National administrator")
    EXPERT = "expert", _("Expert")
    PROVINCIAL = "provincial", _("Provincial officer")
    IMPLEMENTING = "implementing", _("Implementing officer")


class AccountEvent(models.TextChoices):
    """The audit verbs the account services write (core.audit), with their labels."""

    CREATED = "account.created", _("Account created")
    UPDATED = "account.updated", _("Account changed")
    DISABLED = "account.disabled", _("Account disabled")
    ENABLED = "account.enabled", _("Account enabled")
    LOCKED = "account.locked", _("Locked after too many wrong passwords")
    UNLOCKED = "account.unlocked", _("Lock lifted")
    RESET_SENT = "account.reset_sent", _("Password link sent by a manager")
    RESET_REQUESTED = "account.reset_requested", _("Password reset asked for")
    PASSWORD_SET = "account.password_set", _("Password chosen")
