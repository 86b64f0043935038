from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dibiao.core.errors import DomainError
from dibiao.organisations import services
from dibiao.organisations.choices import CountyList, Kind
from dibiao.organisations.models import Organisation
from dibiao.organisations.queries import DIVISIONS_AS_OF


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return f"{obj.province_code} {obj.name}"


class OrganisationFilterForm(forms.Form):
    """The list page's filters; every field may be left empty."""

    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 合肥 or 3401")}),
    )
    province = ProvinceChoiceField(
        label=_("Province"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All provinces"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)

    def __init__(self, *args: Any, provinces: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]


class XpccDivisionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The name of the division's IP office, e.g. 第一师知识产权局."),
    )

    def save(self, *, actor: Any) -> Organisation | None:
        """Add the unit through the service; on a refusal, the message becomes the form's error."""
        try:
            return services.add_xpcc_division(self.cleaned_data["name"], actor=actor)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return None


class CountyListImportForm(forms.Form):
    county_list = forms.ChoiceField(label=_("List"), choices=CountyList.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv or .xlsx file with one county code per row in the first column; a header row is allowed."
        ),
    )
    as_of = forms.DateField(
        label=_("Division list of"),
        initial=DIVISIONS_AS_OF,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The codes are checked against the county-level divisions in force on this date."),
    )

    def save(self, *, actor: Any) -> services.CountyListImport | None:
        """Import through the service. A refusal becomes the form's errors, and the problems, by
        row, are kept in `problems`; nothing is changed then."""
        self.problems: list[str] = []
        upload = self.cleaned_data["file"]
        try:
            return services.import_county_list(
                self.cleaned_data["county_list"],
                data=upload.read(),
                filename=upload.name,
                as_of=self.cleaned_data["as_of"],
                actor=actor,
            )
        except DomainError as error:
            self.problems = list(getattr(error, "problems", []))
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return None
