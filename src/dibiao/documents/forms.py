from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation


class PaperCheckForm(forms.Form):
    code = forms.CharField(
        label=_("QR code or fingerprint"),
        max_length=200,
        help_text=_(
            "Scan the QR code in the paper's footer, or type the 12 characters after “指纹” "
            "(with the number before them if you like), then press Enter."
        ),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return " ".join(self.cleaned_data["code"].split())


class ArchiveForm(forms.Form):
    """The national administrator may limit an export to one provincial unit."""

    province = forms.ModelChoiceField(
        label=_("Provincial unit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All provincial units"),
    )

    def __init__(self, *args: Any, choose_province: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_province:
            field = self.fields["province"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Organisation.objects.filter(kind=Kind.PROVINCIAL).order_by(
                "province_code", "sort_key"
            )
        else:
            del self.fields["province"]
