"""Dibiao settings, read from the environment with safe defaults.

With nothing set, the product runs on an SQLite file under `var/` with DEBUG on: the
README's first command needs no configuration. Production sets DIBIAO_DEBUG=0,
DIBIAO_SECRET_KEY, DIBIAO_ALLOWED_HOSTS and DATABASE_URL (docs/operations.md).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("DIBIAO_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DIBIAO_DEBUG", True)
INSECURE_DEV_KEY = "django-insecure-dibiao-development-only"
SECRET_KEY = env_str("DIBIAO_SECRET_KEY", INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DIBIAO_SECRET_KEY must be set when DIBIAO_DEBUG is off")
ALLOWED_HOSTS = env_list("DIBIAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DIBIAO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("DIBIAO_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "dibiao.core",
    "dibiao.accounts",
    "dibiao.organisations",
    "dibiao.rounds",
    "dibiao.recommendations",
    "dibiao.documents",
    "dibiao.reviews",
    "dibiao.reports",
    "dibiao.public",
    "dibiao.dashboards",
    "dibiao.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dibiao.accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dibiao.urls"
WSGI_APPLICATION = "dibiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dibiao.core.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# Databases. SQLite runs with IMMEDIATE transactions so that concurrent writers queue on the
# lock instead of failing with "database is locked"; WAL lets readers go on meanwhile.
# PostgreSQL connections persist and are health-checked before reuse, so a database
# restart under a running server costs no failed request.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dibiao.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    }
    _database["TEST"] = {"NAME": env_str("DIBIAO_TEST_SQLITE", "") or None}
else:
    _database["CONN_MAX_AGE"] = env_int("DIBIAO_CONN_MAX_AGE", 60)
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["dibiao.accounts.backends.LockoutBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Repeated failed logins lock the account (accounts/backends.py).
LOGIN_FAILURE_LIMIT = env_int("DIBIAO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("DIBIAO_LOGIN_LOCKOUT_MINUTES", 15)

# The shared cache. With DIBIAO_CACHE_URL (Redis, e.g. redis://127.0.0.1:6379/0: production, see
# docs/operations.md) every process shares it: sessions are read from it (written through to
# the database), and the busiest pages are kept in it per data revision (core/revision.py,
# core/pages.py). Without it each process has its own memory cache, which cannot see another
# process's writes, so pages are not kept (DIBIAO_PAGE_CACHE decides; tests turn it on).
CACHE_URL = env_str("DIBIAO_CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("DIBIAO_CACHE_PREFIX", "dibiao"),
            "TIMEOUT": 600,
        }
    }
    SESSION_ENGINE = "dibiao.accounts.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 600}}
PAGE_CACHE = env_bool("DIBIAO_PAGE_CACHE", bool(CACHE_URL))

# Sessions expire after inactivity: IdleSessionMiddleware renews the expiry (at most once a
# minute, so a page view costs no session write).
SESSION_COOKIE_AGE = env_int("DIBIAO_SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DIBIAO_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are only ever served through views that
# check who may read them.
MEDIA_ROOT = Path(env_str("DIBIAO_MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_DIR = PROJECT_DIR / "data"
# Render a project's PDF on the worker when CNIPA receives it, so round archives are quick.
PRERENDER_PDFS = env_bool("DIBIAO_PRERENDER_PDFS", True)

# E-mail: the console by default (development); SMTP when DIBIAO_EMAIL_HOST is set.
_email_host = env_str("DIBIAO_EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "DIBIAO_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if _email_host
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("DIBIAO_EMAIL_PORT", 25),
            "username": env_str("DIBIAO_EMAIL_HOST_USER", ""),
            "password": env_str("DIBIAO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DIBIAO_EMAIL_USE_TLS", False),
            "use_ssl": env_bool("DIBIAO_EMAIL_USE_SSL", False),
        }
        if _email_host
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DIBIAO_DEFAULT_FROM_EMAIL", "地标 <noreply@dibiao.invalid>")

TASKS = {
    "default": {
        "BACKEND": env_str("DIBIAO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DIBIAO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DIBIAO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DIBIAO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DIBIAO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DIBIAO_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Personal data (names, phones, e-mails) never goes to the logs: log lines name ids only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DIBIAO_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# The product's own name in the page title and in e-mails.
PRODUCT_NAME = _("Dibiao: geographical indications for rural revitalisation")
