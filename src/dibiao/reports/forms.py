"""Input → clean data for the reports' pages; each form saves by calling one service."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dibiao.accounts.models import User
from dibiao.core.errors import DomainError
from dibiao.organisations.models import Organisation
from dibiao.recommendations.models import Recommendation
from dibiao.reports import services
from dibiao.reports.choices import FollowUpKind, TaskStatus, Theme
from dibiao.reports.models import FIRST_YEAR, ActionPlan, ActionTask, AnnualSummary, TypicalCase


def year_choices(first: int = FIRST_YEAR) -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(services.current_year(), first - 1, -1)]


class ServiceForm(forms.Form):
    """A form whose `save` calls a service; a DomainError becomes the form's error."""

    def run(self, call: Any) -> Any:
        try:
            return call()
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
            return None


def textarea(rows: int = 8) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- summaries ------------------------------------------------------------------------------------


class SummaryForm(ServiceForm):
    progress = forms.CharField(label=_("Progress of the action"), required=False, widget=textarea(10))
    problems = forms.CharField(label=_("Problems"), required=False, widget=textarea())
    results = forms.CharField(
        label=pgettext_lazy("annual summary", "Results"), required=False, widget=textarea()
    )
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=textarea())

    def save(self, summary: AnnualSummary, *, actor: User) -> AnnualSummary | None:
        text = services.SummaryText(**{name: self.cleaned_data[name] for name in services.SUMMARY_SECTIONS})
        return self.run(lambda: services.save_summary(summary, actor=actor, text=text))


class StartSummaryForm(ServiceForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)

    def save(self, *, actor: User) -> AnnualSummary | None:
        return self.run(lambda: services.start_summary(actor=actor, year=self.cleaned_data["year"]))


class ReturnSummaryForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for the return"),
        widget=textarea(3),
        max_length=1000,
        help_text=_("The province's officers read it on the summary and in their notices."),
        error_messages={"required": _("Say why the summary goes back to the province.")},
    )

    def save(self, summary: AnnualSummary, *, actor: User) -> AnnualSummary | None:
        return self.run(
            lambda: services.return_summary(summary, actor=actor, reason=self.cleaned_data["reason"])
        )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


# --- typical cases --------------------------------------------------------------------------------


class CaseForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    gi_name = forms.CharField(label=_("Geographical indication"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("For example 江西省赣州市"))
    industry = forms.CharField(label=_("Industry"), max_length=100, help_text=_("For example 柑橘"))
    themes = forms.MultipleChoiceField(
        label=_("Actions it shows"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    summary = forms.CharField(label=_("Summary"), widget=textarea(4), max_length=2000)
    full_text = forms.CharField(label=_("Full text"), widget=textarea(16))

    @classmethod
    def initial_from(cls, case: TypicalCase) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(case, name) for name in services.CASE_FIELDS}
        initial["themes"] = [row.theme for row in case.theme_rows.all()]
        return initial

    def content(self) -> services.CaseContent:
        data = self.cleaned_data
        return services.CaseContent(
            **{name: data[name] for name in services.CASE_FIELDS}, themes=list(data["themes"])
        )

    def create(self, *, actor: User) -> TypicalCase | None:
        return self.run(lambda: services.create_case(actor=actor, content=self.content()))

    def update(self, case: TypicalCase, *, actor: User) -> TypicalCase | None:
        return self.run(lambda: services.update_case(case, actor=actor, content=self.content()))


class ReturnCaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=textarea(3))


# --- key projects ---------------------------------------------------------------------------------


class FollowUpForm(ServiceForm):
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    by = forms.CharField(label=_("By whom"), max_length=100, help_text=_("For example 运用促进司 刘佳"))
    text = forms.CharField(label=_("What"), widget=textarea(4))

    def save(self, project: Recommendation, *, actor: User) -> Any:
        data = self.cleaned_data
        return self.run(
            lambda: services.add_follow_up(
                project,
                actor=actor,
                happened_on=data["happened_on"],
                kind=data["kind"],
                by=data["by"],
                text=data["text"],
            )
        )


class ProgressNoteForm(ServiceForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    text = forms.CharField(label=_("Progress of the year"), widget=textarea(6))

    def __init__(self, *args: Any, project: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(first=project.round.year)  # type: ignore[attr-defined]

    def save(self, project: Recommendation, *, actor: User) -> Any:
        data = self.cleaned_data
        return self.run(
            lambda: services.save_progress_note(project, actor=actor, year=data["year"], text=data["text"])
        )


# --- local action plans ---------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("The plan's title as issued"))
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    targets = forms.CharField(label=_("Targets"), widget=textarea(6))
    schedule = forms.CharField(label=_("Schedule"), widget=textarea(6))
    paths = forms.CharField(label=_("Implementation paths"), widget=textarea(6))

    @classmethod
    def initial_from(cls, plan: ActionPlan | None) -> dict[str, Any]:
        if plan is None:
            return {}
        return {name: getattr(plan, name) for name in services.PLAN_FIELDS}

    def content(self) -> services.PlanContent:
        return services.PlanContent(**{name: self.cleaned_data[name] for name in services.PLAN_FIELDS})


class ResponsibilityForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=300)
    responsible_body = forms.CharField(label=_("Responsible body"), max_length=200)
    deadline = forms.DateField(
        label=pgettext_lazy("plan", "Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    measure = forms.CharField(label=_("Measure"), widget=textarea(2))


class BaseResponsibilityFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.rows():
            raise ValidationError(_("Add at least one row of responsibilities."))

    def rows(self) -> list[services.Responsibility]:
        return [
            services.Responsibility(
                **{name: form.cleaned_data[name] for name in ResponsibilityForm.base_fields}
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ResponsibilityFormSet = forms.formset_factory(
    ResponsibilityForm, formset=BaseResponsibilityFormSet, extra=2, can_delete=True, max_num=50
)


def save_plan(province: Organisation, form: PlanForm, formset: Any, *, actor: User) -> ActionPlan | None:
    """Save the plan through its service; a refusal becomes the plan form's error."""
    try:
        return services.save_plan(province, actor=actor, content=form.content(), rows=formset.rows())
    except DomainError as error:
        form.add_error(None, error.message)
        return None


# --- the action's tasks ---------------------------------------------------------------------------


class TaskProgressForm(ServiceForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Organisation.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    text = forms.CharField(label=_("Progress"), widget=textarea(5), required=False)

    def __init__(self, *args: Any, departments: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = Organisation.objects.filter(pk__in=[d.pk for d in departments])  # type: ignore[attr-defined]
        if len(departments) == 1:
            field.initial = departments[0].pk

    def save(self, task: ActionTask, *, actor: User, year: int) -> Any:
        data = self.cleaned_data
        return self.run(
            lambda: services.record_task_progress(
                task,
                actor=actor,
                department=data["department"],
                year=year,
                status=data["status"],
                text=data["text"],
            )
        )
