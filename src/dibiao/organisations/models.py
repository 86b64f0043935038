from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dibiao.organisations.choices import CountyList, DivisionLevel, Kind, Level


class Division(models.Model):
    """One GB/T 2260 code over one span of validity.

    Codes are reused (419001 was 义马市 before it became 济源市), so a division is keyed by
    (code, valid_from), never by the code alone. Years follow the Ministry's lists: a code
    in force "from 1981 to 2010" was in the lists from the end of 1981 to the end of 2009.
    """

    code = models.CharField(_("code"), max_length=6, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices)
    province_name = models.CharField(_("province"), max_length=32)
    prefecture_name = models.CharField(_("prefecture"), max_length=64, blank=True)
    valid_from = models.PositiveSmallIntegerField(_("in use from (year)"))
    valid_to = models.PositiveSmallIntegerField(_("out of use from (year)"), null=True, blank=True)
    # Where the code went when it changed: one code, several separated by ";", or a code with
    # the year it took effect ("120113[2020]"), as the Ministry's lists record it.
    new_code = models.CharField(_("new code"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="division_code_span_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class Organisation(models.Model):
    """A body that takes part in the action: the national office, its departments, the 32
    provincial units, the two provincial centres, and every implementing unit."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices, blank=True)
    name = models.CharField(_("name"), max_length=100)
    # The GB/T 2260 code and name as they stood when the organisation was created; the
    # division row keeps the span of validity. 兵团 and its divisions have no code.
    code = models.CharField(_("division code"), max_length=6, blank=True, db_index=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("administrative division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # Two-digit province code: the quota key (Attachment 2), 66 for 兵团.
    province_code = models.CharField(_("province code"), max_length=2, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The provincial unit an organisation belongs to (itself for a provincial unit).
    province = models.ForeignKey(
        "self",
        verbose_name=_("provincial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    sort_key = models.CharField(_("sort key"), max_length=16, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "division"],
                condition=Q(division__isnull=False),
                name="organisation_one_per_division",
            ),
            models.UniqueConstraint(
                fields=["kind", "province_code"],
                condition=Q(kind="provincial"),
                name="organisation_one_provincial_unit_per_province",
            ),
            models.CheckConstraint(
                condition=~Q(kind="implementing") | ~Q(level=""),
                name="organisation_implementing_has_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provincial(self) -> bool:
        return self.kind == Kind.PROVINCIAL

    @property
    def is_implementing(self) -> bool:
        return self.kind == Kind.IMPLEMENTING


class CountyDesignation(models.Model):
    """A county on one of the two national lists (脱贫县, 国家乡村振兴重点帮扶县)."""

    list = models.CharField(_("list"), max_length=24, choices=CountyList.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("county"), on_delete=models.PROTECT, related_name="designations"
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("county designation")
        verbose_name_plural = _("county designations")
        constraints = [
            models.UniqueConstraint(fields=["list", "division"], name="designation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()}: {self.division}"
