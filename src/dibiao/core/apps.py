from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dibiao.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from dibiao.core import (
            checks,  # noqa: F401  registers the system checks
            revision,  # noqa: F401  watches every connection's writes
        )
