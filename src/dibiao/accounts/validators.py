"""Validators shared by the account forms (and any API or import that takes the same data)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mobile number: 11 digits starting with 1. A landline or fax: the area code (010, 0551 ...),
# a hyphen if you like, 7 or 8 digits, and maybe an extension (DOMAIN §4).
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")


def validate_phone(value: str) -> None:
    number = value.replace(" ", "")
    if MOBILE.fullmatch(number) or LANDLINE.fullmatch(number):
        return
    raise ValidationError(
        _(
            "Enter a mobile number (11 digits starting with 1) or a landline number with its "
            "area code, such as 010-62086080."
        ),
        code="phone",
    )
