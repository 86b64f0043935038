"""System checks for production mistakes that `check --deploy` alone does not see."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[Warning | Error]:
    problems: list[Warning | Error] = []
    if settings.SECRET_KEY.startswith("django-insecure"):
        problems.append(Error("DIBIAO_SECRET_KEY is the development key.", id="dibiao.E001"))
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "Production runs on PostgreSQL: set DATABASE_URL=postgres://...",
                id="dibiao.W001",
            )
        )
    if settings.MAILERS["default"]["BACKEND"].endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "E-mail goes to the console: set DIBIAO_EMAIL_HOST (and its port, user, password).",
                id="dibiao.W002",
            )
        )
    if not settings.CACHE_URL:
        problems.append(
            Warning(
                "No shared cache: set DIBIAO_CACHE_URL=redis://... so that sessions are read from it "
                "and the busiest pages are kept (docs/operations.md).",
                id="dibiao.W003",
            )
        )
    return problems
