"""Input for the round pages. Each form checks what the user typed, with Chinese messages, and
saves by calling a service; a DomainError from the service lands on the field it names."""

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.organisations.models import Organisation
from dibiao.rounds import services
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension, Round
from dibiao.rounds.queries import HoldingRow, QuotaRow, provincial_units

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Deadlines are entered and shown as Beijing time, whatever the server's or browser's zone.
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MAX_UPLOAD_BYTES = 1024 * 1024


class ShanghaiDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # step=1 lets the browser show and enter seconds (23:59:59).
        super().__init__(attrs={"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


class ShanghaiDateTimeField(forms.DateTimeField):
    """A moment typed as Beijing time ("2021-09-15 23:59:59"), returned aware; stored in UTC."""

    widget = ShanghaiDateTimeInput
    default_error_messages = {
        "invalid": _("Enter a date and time, such as 2021-09-15 23:59:59."),
        "required": _("Enter a date and time."),
    }

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(SHANGHAI):
            return super().prepare_value(value)

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(SHANGHAI):
            return super().to_python(value)


def _put_error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class RoundForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=services.YEAR_MIN,
        max_value=services.YEAR_MAX,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    notice_ref = forms.CharField(
        label=_("Notice reference"),
        max_length=64,
        required=False,
        help_text=_("For example 国知发运字〔2021〕20号."),
    )
    opens_at = ShanghaiDateTimeField(label=_("Opens at"), help_text=_("Beijing time."))
    deadline_at = ShanghaiDateTimeField(
        label=_("Deadline"),
        help_text=_("Beijing time. The 2021 round closed on 2021-09-15 at 23:59:59."),
    )
    state = forms.ChoiceField(label=_("State"), choices=RoundState.choices, initial=RoundState.DRAFT)

    def __init__(self, *args: Any, round: Round | None = None, **kwargs: Any) -> None:
        self.round = round
        if round is not None:
            kwargs.setdefault("initial", {field: getattr(round, field) for field in services.ROUND_FIELDS})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if all(field in data for field in services.ROUND_FIELDS):
            try:
                services.check_round(data, exclude=self.round)
            except DomainError as error:
                _put_error(self, error)
        return data

    def save(self, *, actor: Any) -> Round | None:
        values = {field: self.cleaned_data[field] for field in services.ROUND_FIELDS}
        try:
            if self.round is None:
                return services.create_round(actor=actor, **values)
            return services.update_round(self.round, actor=actor, **values)
        except DomainError as error:
            _put_error(self, error)
            return None


def _count_field(label: "str | StrPromise", maximum: int, **attrs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        error_messages={
            "required": _("Enter a number."),
            "invalid": _("Enter a whole number."),
            "min_value": _("The number cannot be negative."),
            "max_value": _("The number can be at most %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"class": "short", "min": 0, "max": maximum, **attrs}),
    )


@dataclass(frozen=True)
class QuotaFormRow:
    province: Organisation
    field: forms.BoundField
    current: QuotaRow


class QuotaTableForm(forms.Form):
    """One number per provincial unit (Attachment 2), plus the basis for the ones that change."""

    basis = forms.CharField(
        label=_("Basis for the quotas you change"),
        max_length=200,
        required=False,
        help_text=_("Shown beside each changed quota. Left empty, it reads “Set by hand”."),
    )

    def __init__(self, *args: Any, rows: list[QuotaRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows_source = rows
        for row in rows:
            field = _count_field(row.province.name, services.QUOTA_MAX)
            field.initial = row.cap
            self.fields[f"cap_{row.province.province_code}"] = field

    def rows(self) -> Iterator[QuotaFormRow]:
        for row in self.rows_source:
            yield QuotaFormRow(row.province, self[f"cap_{row.province.province_code}"], row)

    def save(self, round: Round, *, actor: Any) -> dict[str, int] | None:
        caps = {
            row.province.province_code: self.cleaned_data[f"cap_{row.province.province_code}"]
            for row in self.rows_source
        }
        try:
            return services.set_quotas(round, caps, actor=actor, basis=self.cleaned_data["basis"])
        except DomainError as error:
            _put_error(self, error)
            return None


@dataclass(frozen=True)
class HoldingFormRow:
    province: Organisation
    products: forms.BoundField
    trademarks: forms.BoundField


class HoldingTableForm(forms.Form):
    def __init__(self, *args: Any, rows: list[HoldingRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows_source = rows
        for row in rows:
            code = row.province.province_code
            products = _count_field(
                _("GI products"),
                services.HOLDING_MAX,
                **{"aria-label": f"{row.province.name} {_('GI products')}"},
            )
            trademarks = _count_field(
                _("GI trademarks"),
                services.HOLDING_MAX,
                **{"aria-label": f"{row.province.name} {_('GI trademarks')}"},
            )
            if row.holding is not None:
                products.initial = row.holding.gi_products
                trademarks.initial = row.holding.gi_trademarks
            self.fields[f"products_{code}"] = products
            self.fields[f"trademarks_{code}"] = trademarks

    def rows(self) -> Iterator[HoldingFormRow]:
        for row in self.rows_source:
            code = row.province.province_code
            yield HoldingFormRow(row.province, self[f"products_{code}"], self[f"trademarks_{code}"])

    def save(self, round: Round, *, actor: Any) -> int | None:
        holdings = {
            row.province.province_code: (
                self.cleaned_data[f"products_{row.province.province_code}"],
                self.cleaned_data[f"trademarks_{row.province.province_code}"],
            )
            for row in self.rows_source
        }
        try:
            return services.set_holdings(round, holdings, actor=actor)
        except DomainError as error:
            _put_error(self, error)
            return None


class TableImportForm(forms.Form):
    """A .csv or .xlsx upload; `save` imports it, or keeps the problems to show them."""

    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; this table is never that large."))
        return upload.read()

    def save(self, round: Round, *, actor: Any) -> Any:
        try:
            return self.run_import(round, self.cleaned_data["file"], actor=actor)
        except ImportProblems as error:
            self.problems = error.problems
            self.add_error(None, error.message)
        except DomainError as error:
            _put_error(self, error)
        return None

    def run_import(self, round: Round, data: bytes, *, actor: Any) -> Any:
        raise NotImplementedError


class QuotaImportForm(TableImportForm):
    basis = forms.CharField(
        label=_("Basis"),
        max_length=200,
        required=False,
        help_text=_("Shown beside every imported quota, for example 国知发运字〔2021〕20号附件2."),
    )

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        if round.notice_ref:
            kwargs.setdefault(
                "initial", {"basis": _("Attachment 2 of %(notice)s") % {"notice": round.notice_ref}}
            )
        super().__init__(*args, **kwargs)

    def run_import(self, round: Round, data: bytes, *, actor: Any) -> dict[str, int]:
        return services.import_quotas(round, data, actor=actor, basis=self.cleaned_data["basis"])


class HoldingImportForm(TableImportForm):
    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def run_import(self, round: Round, data: bytes, *, actor: Any) -> int:
        return services.import_holdings(round, data, actor=actor)


class ProposalForm(forms.Form):
    total = forms.IntegerField(
        label=_("Total places"),
        min_value=0,
        max_value=services.QUOTA_MAX * 40,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )
    floor = forms.IntegerField(
        label=_("Floor (per provincial unit)"),
        min_value=0,
        max_value=services.QUOTA_MAX,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )
    ceiling = forms.IntegerField(
        label=_("Ceiling (per provincial unit)"),
        min_value=0,
        max_value=services.QUOTA_MAX,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if all(key in data for key in ("total", "floor", "ceiling")):
            try:
                services.check_proposal(
                    provincial_units().count(),
                    total=data["total"],
                    floor=data["floor"],
                    ceiling=data["ceiling"],
                )
            except DomainError as error:
                _put_error(self, error)
        return data


class ApplyProposalForm(ProposalForm):
    """The parameters again, and the table the administrator saw ("11:2,12:2,...")."""

    expected = forms.CharField(widget=forms.HiddenInput)

    def clean_expected(self) -> dict[str, int]:
        try:
            pairs = (item.split(":") for item in self.cleaned_data["expected"].split(","))
            return {code: int(cap) for code, cap in pairs}
        except ValueError:
            raise forms.ValidationError(_("The proposal was not sent whole; show it again.")) from None

    def save(self, round: Round, *, actor: Any) -> dict[str, int] | None:
        data = self.cleaned_data
        try:
            return services.apply_proposal(
                round,
                total=data["total"],
                floor=data["floor"],
                ceiling=data["ceiling"],
                expected=data["expected"],
                actor=actor,
            )
        except DomainError as error:
            _put_error(self, error)
            return None


def encode_caps(caps: dict[str, int]) -> str:
    return ",".join(f"{code}:{cap}" for code, cap in caps.items())


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.province_code} {obj.name}"


class ExtensionForm(forms.Form):
    province = ProvinceChoiceField(
        label=_("Provincial unit"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose a provincial unit"),
        error_messages={"required": _("Choose a provincial unit.")},
    )
    until = ShanghaiDateTimeField(label=_("Extended until"), help_text=_("Beijing time."))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the extension.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provincial_units()  # type: ignore[attr-defined]

    def save(self, round: Round, *, actor: Any) -> Extension | None:
        data = self.cleaned_data
        try:
            return services.grant_extension(round, data["province"], data["until"], data["reason"], actor)
        except DomainError as error:
            _put_error(self, error)
            return None
