"""The review pages' forms: input → clean data with Chinese messages; writes go through
reviews.services (the same checks as the import and the API)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dibiao.core.errors import DomainError
from dibiao.organisations.models import Organisation
from dibiao.reviews import services
from dibiao.reviews.choices import TieKind
from dibiao.reviews.models import Criterion, Expert


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class ExpertForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    affiliation = forms.CharField(label=gettext_lazy("Affiliation"), max_length=200)
    field = forms.CharField(label=gettext_lazy("Field of expertise"), max_length=200, required=False)
    province = ProvinceChoiceField(
        label=gettext_lazy("Province"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("The expert never reviews a project of this province."),
    )
    phone = forms.CharField(label=gettext_lazy("Mobile"), max_length=32)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("The invitation to choose a password goes here; it is also the log-in name."),
    )

    def __init__(self, *args: Any, account: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["province"].queryset = Organisation.objects.filter(
            pk__in=[unit.pk for unit in services.provincial_units()]
        ).order_by("sort_key", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        _values, problems = services.clean_expert_values(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            affiliation=data["affiliation"],
            field=data.get("field", ""),
            province=data["province"],
            account=self.account,
        )
        for field, message in problems:
            self.add_error(field if field in self.fields else None, message)
        return data

    @classmethod
    def initial_of(cls, expert: Expert) -> dict[str, Any]:
        return {
            "full_name": expert.user.full_name,
            "affiliation": expert.affiliation,
            "field": expert.field,
            "province": expert.province_id,
            "phone": expert.user.phone,
            "email": expert.user.email,
        }

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "First row: 姓名, 单位, 专业领域, 省份, 手机, 电子邮箱 and, optionally, 回避单位 (unit codes or "
            "names separated by ；or ,). Nothing is imported unless every row is right."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: at most 5 MB."))
        return upload


class TieForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        max_length=100,
        help_text=gettext_lazy(
            "Its division code (e.g. 340100), a province code (e.g. 34) or its full name."
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of tie"), choices=TieKind.choices, initial=TieKind.OTHER
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def clean_unit(self) -> Organisation:
        try:
            return services.UnitDirectory().find(self.cleaned_data["unit"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Expert) -> str:
        return f"{obj.user.full_name} · {obj.affiliation}"


class PanelForm(forms.Form):
    experts_per_project = forms.IntegerField(
        label=gettext_lazy("Experts per project"), min_value=1, max_value=services.MAX_EXPERTS_PER_PROJECT
    )
    leader = ExpertChoiceField(
        label=gettext_lazy("Group leader (组长)"),
        queryset=Expert.objects.none(),
        required=False,
        empty_label=gettext_lazy("(none chosen yet)"),
        help_text=gettext_lazy("Writes the expert group's opinion of each project."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Expert.objects.filter(is_active=True).select_related("user")


class CriterionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Criterion"), max_length=100)
    max_points = forms.DecimalField(
        label=gettext_lazy("Maximum points"),
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        decimal_places=1,
    )
    guidance = forms.CharField(
        label=gettext_lazy("Guidance"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


RubricFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, max_num=20, validate_max=True)


def rubric_initial(criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [{"title": c.title, "max_points": c.max_points, "guidance": c.guidance} for c in criteria]


def rubric_rows(formset: Any) -> list[services.CriterionInput]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append(services.CriterionInput(data["title"], data["max_points"], data.get("guidance", "")))
    return rows


class ScoreForm(forms.Form):
    """One field per criterion (`c<pk>`, text: the page shows our own messages) and the comment."""

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=gettext_lazy("Your assessment of the project: strengths, weaknesses, what to watch."),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[self.key(criterion)] = forms.CharField(
                label=criterion.title,
                required=False,
                max_length=16,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "short", "autocomplete": "off"}
                ),
            )
        self.order_fields([self.key(c) for c in criteria] + ["comment"])

    @staticmethod
    def key(criterion: Criterion) -> str:
        return f"c{criterion.pk}"

    def points(self) -> dict[int, str]:
        """What was typed, by criterion pk (the service parses and checks it)."""
        return {c.pk: self.data.get(self.add_prefix(self.key(c)), "") for c in self.criteria}

    def show_problems(self, problems: dict[int, str]) -> None:
        for criterion in self.criteria:
            if criterion.pk in problems:
                self.add_error(self.key(criterion), problems[criterion.pk])

    def rows(self) -> list[tuple[Criterion, Any]]:
        return [(c, self[self.key(c)]) for c in self.criteria]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class GroupOpinionForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Expert group's opinion"), widget=forms.Textarea(attrs={"rows": 6})
    )
    leader = forms.CharField(label=gettext_lazy("Group leader (组长)"), max_length=64, required=False)
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, name_leader: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not name_leader:
            del self.fields["leader"]

    @classmethod
    def initial_of(cls, stored: dict[str, Any], leader: str) -> dict[str, Any]:
        return {
            "opinion": stored.get("opinion") or "",
            "leader": stored.get("leader") or leader,
            "date": stored.get("date") or timezone.localdate().isoformat(),
        }


class DepartmentOpinionForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("Department's opinion"), widget=forms.Textarea(attrs={"rows": 5})
    )
    handler = forms.CharField(label=gettext_lazy("Handler (经办人)"), max_length=64)
    division = forms.CharField(label=gettext_lazy("Division (处室)"), max_length=100)
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def initial_of(cls, stored: dict[str, Any], handler: str) -> dict[str, Any]:
        return {
            "opinion": stored.get("opinion") or "",
            "handler": stored.get("handler") or handler,
            "division": stored.get("division") or "",
            "date": stored.get("date") or timezone.localdate().isoformat(),
        }


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(label=gettext_lazy("Expert"), queryset=Expert.objects.none())

    def __init__(self, *args: Any, choices: list[tuple[Expert, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.queryset = Expert.objects.filter(pk__in=[expert.pk for expert, _note in choices])
        labels = {
            expert.pk: f"{expert.user.full_name} · {expert.affiliation}" + (f"（{note}）" if note else "")
            for expert, note in choices
        }
        field.label_from_instance = lambda obj: labels.get(obj.pk, str(obj))
