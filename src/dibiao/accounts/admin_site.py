from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dibiao.accounts import permissions
from dibiao.accounts.forms import AdminLoginForm
from dibiao.accounts.permissions import Action


def restrict_admin_to_national_admins(site: AdminSite) -> None:
    """Django's admin is the national administrator's tool only, and speaks Chinese."""

    def has_permission(request: HttpRequest) -> bool:
        return permissions.can(request.user, Action.USE_ADMIN)

    site.has_permission = has_permission  # type: ignore[method-assign]
    # The product's log-in form: it explains a lockout instead of failing on it.
    site.login_form = AdminLoginForm
    site.site_header = _("Dibiao administration")
    site.site_title = _("Dibiao administration")
    site.index_title = _("Data administration")
