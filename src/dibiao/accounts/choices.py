from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """DOMAIN §2. A user has exactly one role, tied to the kind of their organisation."""

    NATIONAL_ADMIN = "national_admin", _("National administrator")
    EXPERT = "expert", _("Expert")
    PROVINCIAL = "provincial", _("Provincial officer")
    IMPLEMENTING = "implementing", _("Implementing officer")
