import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dibiao.rounds.choices import FORM_VERSION_2021, FORM_VERSIONS, RoundState


class Round(models.Model):
    """A round of recommendations (推荐批次): one year's call, its deadline and its quotas."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    notice_ref = models.CharField(_("notice reference"), max_length=64, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    # Stored in UTC, entered and shown in Asia/Shanghai.
    deadline_at = models.DateTimeField(_("deadline"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.DRAFT)
    form_version = models.CharField(
        _("form version"), max_length=16, choices=FORM_VERSIONS, default=FORM_VERSION_2021
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_at__gt=models.F("opens_at")), name="round_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rounds:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    def deadline_passed(self, at: datetime.datetime | None = None) -> bool:
        return (at or timezone.now()) > self.deadline_at


class Quota(models.Model):
    """A provincial unit's cap (上限) of recommended projects in a round (Attachment 2)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="quotas")
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="quotas",
    )
    cap = models.PositiveSmallIntegerField(_("quota (cap)"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["round", "province__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "province"], name="quota_one_per_province"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="quota_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.province}: {self.cap}"


class Holding(models.Model):
    """A province's GI holdings at the end of the year before a round: the quota basis."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="holdings"
    )
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="holdings",
    )
    gi_products = models.PositiveIntegerField(_("GI products approved"), default=0)
    gi_trademarks = models.PositiveIntegerField(_("GI trademarks registered"), default=0)

    class Meta:
        verbose_name = _("GI holdings")
        verbose_name_plural = _("GI holdings")
        constraints = [
            models.UniqueConstraint(fields=["round", "province"], name="holding_one_per_province"),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.province}"

    @property
    def total(self) -> int:
        return self.gi_products + self.gi_trademarks


class Extension(models.Model):
    """The administrator lets one province submit and recommend after the deadline."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="extensions"
    )
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provincial unit"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    until = models.DateTimeField(_("extended until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.round.year} {self.province} → {self.until:%Y-%m-%d %H:%M}"
