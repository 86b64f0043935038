from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dibiao.accounts.backends import AccountLocked


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or the password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been disabled. Ask your administrator."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except AccountLocked as locked:
            until = date_format(timezone.localtime(locked.until), "Y-m-d H:i")
            raise forms.ValidationError(
                _(
                    "Too many wrong passwords: this account is locked until %(until)s. "
                    "Try again then, or reset your password by e-mail."
                ),
                code="locked",
                params={"until": until},
            ) from None


class ProfileForm(forms.Form):
    wants_email = forms.BooleanField(
        label=_("Notify me by e-mail"),
        required=False,
        help_text=_("Notices always appear in the product; this only switches the e-mails."),
    )
