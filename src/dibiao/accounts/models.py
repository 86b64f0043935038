from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dibiao.accounts.choices import Role


class User(AbstractUser):
    """A person who logs in. `first_name`/`last_name` are unused: Chinese names are one field."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    full_name = models.CharField(_("full name"), max_length=64)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    wants_email = models.BooleanField(_("notify me by e-mail"), default=True)
    failed_login_count = models.PositiveSmallIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    created_by = models.ForeignKey(
        "self",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UserManager()  # type: ignore[misc]
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="expert") | Q(organisation__isnull=False) | Q(is_superuser=True),
                name="user_officer_has_organisation",
            ),
            # Log-in ignores the case of the user name, so two names may not differ by case only.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def province_id(self) -> int | None:
        """The provincial unit this user works for, if any."""
        if self.organisation is None:
            return None
        return self.organisation.province_id
