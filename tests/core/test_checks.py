"""`manage.py check --deploy` names the production mistakes it can see."""

from django.conf import settings as django_settings

from dibiao.core.checks import check_production_settings


def ids():
    return {problem.id for problem in check_production_settings(None)}


def test_the_development_defaults_are_each_named(settings, monkeypatch):
    settings.SECRET_KEY = "django-insecure-dibiao-development-only"
    monkeypatch.setitem(django_settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.CACHE_URL = ""
    assert ids() == {"dibiao.E001", "dibiao.W001", "dibiao.W002", "dibiao.W003"}


def test_a_production_configuration_passes(settings, monkeypatch):
    settings.SECRET_KEY = "x" * 50
    monkeypatch.setitem(django_settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    settings.CACHE_URL = "redis://127.0.0.1:6379/0"
    assert ids() == set()
