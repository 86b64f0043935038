from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dibiao.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dibiao.accounts.middleware import mark_renewed_at_login

        user_logged_in.connect(mark_renewed_at_login, dispatch_uid="dibiao.accounts.renewed_at_login")
