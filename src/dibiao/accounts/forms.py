from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dibiao.accounts import permissions, services
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.accounts.validators import validate_phone
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation

# --- log-in and passwords ----------------------------------------------------------------------


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or the password is wrong. The password is case-sensitive."),
        "inactive": _("This account has been disabled. Ask your administrator."),
        "locked": _(
            "Too many wrong passwords: this account is locked until %(until)s. "
            "Try again then, or reset your password by e-mail."
        ),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        """Say why a log-in was refused when the account itself is the reason.

        The backend refuses a locked account (whatever the password) and a disabled one (with
        the right password) without telling `authenticate()`'s callers why; the account's state
        tells. A disabled account is only named as such to whoever knows its password.
        """
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password") or ""
        account = User.objects.filter(username__iexact=username).first() if username else None
        if account is not None and account.is_locked:
            until = date_format(timezone.localtime(account.locked_until), "Y-m-d H:i")
            return forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"until": until}
            )
        if account is not None and not account.is_active and account.check_password(password):
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """Django admin's log-in: the same messages, and only for staff (national administrators)."""

    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": _(
            "The user name or the password is wrong, or this account may not use the data administration."
        ),
    }


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Asks for a reset link; the e-mail goes out from a task, in Chinese (services)."""

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        services.request_password_reset(self.cleaned_data["email"])


class ChooseNewPasswordForm(auth_forms.SetPasswordForm):
    """Choosing a password from an invitation or a reset link."""

    def save(self, commit: bool = True) -> User:
        return services.set_own_password(self.user, self.cleaned_data["new_password1"])


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        return services.set_own_password(self.user, self.cleaned_data["new_password1"])


class ProfileForm(forms.Form):
    wants_email = forms.BooleanField(
        label=_("Notify me by e-mail"),
        required=False,
        help_text=_("Notices always appear in the product; this only switches the e-mails."),
    )


# --- account management ---------------------------------------------------------------------


class OrganisationField(forms.ModelChoiceField):
    """Names the kind of each organisation when the choices mix kinds."""

    show_kind = True

    def label_from_instance(self, obj: Organisation) -> str:
        if self.show_kind:
            return f"{obj.name}（{obj.get_kind_display()}）"
        return obj.name


# The organisation choices go from the national office down to the implementing units.
KIND_ORDER = Case(
    *(
        When(kind=kind, then=Value(rank))
        for rank, kind in enumerate(
            [Kind.NATIONAL, Kind.DEPARTMENT, Kind.PROVINCIAL, Kind.CENTRE, Kind.IMPLEMENTING]
        )
    ),
    default=Value(9),
    output_field=IntegerField(),
)


def _organisation_field(queryset: QuerySet[Organisation]) -> OrganisationField:
    return OrganisationField(
        queryset=queryset.order_by(KIND_ORDER, "sort_key", "name"),
        required=False,
        label=_("Organisation"),
        empty_label="—",
        error_messages={"invalid_choice": _("Choose one of the organisations offered.")},
        help_text=_(
            "National administrators: the national office or a department. Provincial officers: "
            "a provincial unit or centre. Implementing officers: an implementing unit. Experts: "
            "optional."
        ),
    )


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in. Letters, digits and @ . + - _ only; case does not matter."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    role = forms.ChoiceField(label=_("Role"))
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The invitation, with a link to choose a password, goes to this address."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, validators=[validate_phone])

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        roles = permissions.creatable_roles(actor)
        cast(forms.ChoiceField, self.fields["role"]).choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
        organisations = permissions.assignable_organisations(actor)
        self.fields["organisation"] = _organisation_field(organisations)
        if roles == [Role.IMPLEMENTING]:
            self.fields["organisation"].show_kind = False  # type: ignore[attr-defined]
            self.fields["organisation"].help_text = ""
        self.order_fields(["username", "full_name", "role", "organisation", "email", "phone"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            services.check_username_free(username)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role and "organisation" not in self.errors:
            try:
                services.check_assignment(self.actor, role, cleaned.get("organisation"))
            except DomainError as error:
                self.add_error(error.field, error.message)
        return cleaned

    def save(self) -> User:
        data = self.cleaned_data
        return services.create_account(
            self.actor,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            role=data["role"],
            organisation=data.get("organisation"),
            phone=data.get("phone", ""),
        )


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, validators=[validate_phone])

    def __init__(self, actor: Any, account: User, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "full_name": account.full_name,
                "email": account.email,
                "phone": account.phone,
                "organisation": account.organisation_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.account = account
        # The organisations the account's role may move to, and the one it has now (which may
        # have been deactivated since).
        organisations = permissions.assignable_organisations(actor, account.role)
        if account.organisation_id is not None:
            organisations = (
                organisations | Organisation.objects.filter(pk=account.organisation_id)
            ).distinct()
        self.fields["organisation"] = _organisation_field(organisations)
        if account.role == Role.IMPLEMENTING:
            self.fields["organisation"].show_kind = False  # type: ignore[attr-defined]
        self.fields["organisation"].help_text = ""
        self.order_fields(["full_name", "organisation", "email", "phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")
        if "organisation" not in self.errors and organisation != self.account.organisation:
            try:
                services.check_assignment(self.actor, self.account.role, organisation)
            except DomainError as error:
                self.add_error(error.field, error.message)
        return cleaned

    def save(self) -> User:
        data = self.cleaned_data
        return services.update_account(
            self.actor,
            self.account,
            full_name=data["full_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            organisation=data.get("organisation"),
        )


class AccountFilterForm(forms.Form):
    """The account list's filters. A filter with a single possible value is left out."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Enabled")), ("0", _("Disabled"))],
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = permissions.listable_roles(user)
        if len(roles) > 1:
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                ("", _("All")),
                *((role, Role(role).label) for role in roles),
            ]
        else:
            del self.fields["role"]
        provinces = permissions.visible_organisations(user).filter(kind=Kind.PROVINCIAL).order_by("sort_key")
        if provinces.count() > 1:
            self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
        else:
            del self.fields["province"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "short")

    def filter(self, accounts: QuerySet[User]) -> QuerySet[User]:
        if not self.is_valid():
            return accounts
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            accounts = accounts.filter(
                Q(username__icontains=q)
                | Q(full_name__icontains=q)
                | Q(email__icontains=q)
                | Q(phone__icontains=q)
                | Q(organisation__name__icontains=q)
            )
        if data.get("role"):
            accounts = accounts.filter(role=data["role"])
        if data.get("province"):
            accounts = accounts.filter(organisation__province=data["province"])
        if data.get("active") in {"0", "1"}:
            accounts = accounts.filter(is_active=data["active"] == "1")
        return accounts
