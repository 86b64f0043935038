from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    NATIONAL = "national", _("National office")
    DEPARTMENT = "department", _("National department")
    PROVINCIAL = "provincial", _("Provincial unit")
    CENTRE = "centre", _("Provincial centre")
    IMPLEMENTING = "implementing", _("Implementing unit")


class Level(models.TextChoices):
    """What a division-based implementing unit is (填写说明 二, DOMAIN §1)."""

    PREFECTURE = "prefecture", _("Prefecture-level division")
    DIRECT_COUNTY = "direct_county", _("County-level unit under a province")
    MUNICIPAL_DISTRICT = "municipal_district", _("District or county of a municipality")
    XPCC_DIVISION = "xpcc_division", _("Division of the XPCC")


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("division level", "Province")
    PREFECTURE = "prefecture", pgettext_lazy("division level", "Prefecture")
    COUNTY = "county", pgettext_lazy("division level", "County")


class CountyList(models.TextChoices):
    """The two national lists that give poverty-alleviated areas priority (notice 三(一))."""

    POVERTY_ALLEVIATED = "poverty_alleviated", _("Poverty-alleviated county (脱贫县)")
    KEY_SUPPORT = "key_support", _("National key-support county for rural revitalisation")
