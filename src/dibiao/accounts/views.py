from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dibiao.accounts import permissions, services
from dibiao.accounts.choices import AccountEvent, Role
from dibiao.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    ChooseNewPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
)
from dibiao.accounts.models import User
from dibiao.accounts.permissions import Action
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent

ACCOUNTS_PER_PAGE = 50

# --- log-in, passwords, profile ------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ChooseNewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class AcceptInvitationView(PasswordResetConfirmView):
    """The invitation's link: the same token as a reset, a page that welcomes."""

    template_name = "accounts/invitation_accept.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.update_preferences(user, wants_email=form.cleaned_data["wants_email"])
            messages.success(request, _("Your settings have been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"wants_email": user.wants_email})
    return render(request, "accounts/profile.html", {"form": form})


# --- account management ---------------------------------------------------------------------

NOT_ALLOWED = gettext_lazy("You may not manage accounts.")


def _require(request: HttpRequest, action: str, obj: User | None = None) -> None:
    if not permissions.can(request.user, action, obj):
        raise PermissionDenied(NOT_ALLOWED if obj is None else _("You may not do this to this account."))


def _refuse_forged_choices(request: HttpRequest, data: QueryDict) -> None:
    """The forms offer only allowed roles and organisations; a request with others was not made
    with the form. An organisation out of the user's scope is a 404 (its existence is not
    confirmed), a role the user may not give is a 403."""
    role = data.get("role")
    if role in Role.values and role not in permissions.creatable_roles(request.user):
        raise PermissionDenied(_("You may not create or change accounts with this role."))
    organisation = data.get("organisation")
    if (
        organisation
        and organisation.isdigit()
        and not permissions.visible_organisations(request.user).filter(pk=organisation).exists()
    ):
        raise Http404


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _require(request, Action.MANAGE_ACCOUNTS)
    filters = AccountFilterForm(request.user, request.GET or None)
    accounts = filters.filter(
        permissions.visible_users(request.user).select_related("organisation__province")
    ).order_by("organisation__sort_key", "username")
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/account_list.html",
        {
            "filters": filters,
            "page": page,
            "can_create": permissions.can(request.user, Action.CREATE_ACCOUNT),
        },
    )


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    _require(request, Action.CREATE_ACCOUNT)
    if request.method == "POST":
        _refuse_forged_choices(request, request.POST)
        form = AccountCreateForm(request.user, request.POST)
        if form.is_valid():
            try:
                account = form.save()
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("The account has been created. An invitation to choose a password is on its way."),
                )
                return redirect("accounts:detail", pk=account.pk)
    else:
        form = AccountCreateForm(request.user)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(permissions.visible_users(request.user), pk=pk)
    user = request.user
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(account.pk)).select_related(
        "actor"
    )[:20]
    labels = dict(AccountEvent.choices)
    history = [(event, labels.get(event.verb, event.verb)) for event in events]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "history": history,
            "can_change": permissions.can(user, Action.CHANGE_ACCOUNT, account),
            "can_disable": permissions.can(user, Action.DISABLE_ACCOUNT, account),
            "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        },
    )


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(permissions.visible_users(request.user), pk=pk)
    _require(request, Action.CHANGE_ACCOUNT, account)
    if request.method == "POST":
        _refuse_forged_choices(request, request.POST)
        form = AccountEditForm(request.user, account, request.POST)
        if form.is_valid():
            try:
                form.save()
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The account has been saved."))
                return redirect("accounts:detail", pk=account.pk)
    else:
        form = AccountEditForm(request.user, account)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def _account_action(request: HttpRequest, pk: int, action: str) -> tuple[User, HttpResponse]:
    account = get_object_or_404(permissions.visible_users(request.user), pk=pk)
    _require(request, action, account)
    return account, redirect("accounts:detail", pk=account.pk)


@require_POST
@login_required
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    account, response = _account_action(request, pk, Action.DISABLE_ACCOUNT)
    try:
        services.set_account_active(request.user, account, False)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account has been disabled."))
    return response


@require_POST
@login_required
def account_enable(request: HttpRequest, pk: int) -> HttpResponse:
    account, response = _account_action(request, pk, Action.CHANGE_ACCOUNT)
    try:
        services.set_account_active(request.user, account, True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account has been enabled."))
    return response


@require_POST
@login_required
def account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    account, response = _account_action(request, pk, Action.CHANGE_ACCOUNT)
    try:
        services.unlock_account(request.user, account)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The lock has been lifted: the account can log in again."))
    return response


@require_POST
@login_required
def account_send_reset(request: HttpRequest, pk: int) -> HttpResponse:
    account, response = _account_action(request, pk, Action.CHANGE_ACCOUNT)
    try:
        services.send_password_reset(request.user, account)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A link to choose a password has been sent to the account's e-mail address.")
        )
    return response
