from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dibiao.public.queries import public_provinces
from dibiao.reports.choices import Theme
from dibiao.reports.forms import year_choices


class CaseSearchForm(forms.Form):
    """The case library's search: words, then filters by province, GI, action and year."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("For example 脐橙")}),
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=public_provinces(), required=False, empty_label=_("All provinces")
    )
    gi = forms.CharField(label=_("Geographical indication"), required=False, max_length=100)
    theme = forms.ChoiceField(
        label=pgettext_lazy("notice", "Action"),
        choices=[("", _("All actions")), *Theme.choices],
        required=False,
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=lambda: [("", _("All years")), *year_choices()],
    )


class ProjectFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None, choices=())
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=public_provinces(), required=False, empty_label=_("All provinces")
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All years")), *[(year, str(year)) for year in years]]
        self.fields["year"].choices = choices  # type: ignore[attr-defined]
