"""Askesos settings: one module, driven by environment variables.

Every setting that can be wrong is parsed by a small typed helper that raises
ImproperlyConfigured naming the variable, so a bad deployment fails at start with
a message that says what to fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ASKESOS_VAR_DIR", PROJECT_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_config(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; only SQLite and PostgreSQL are supported."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60)))
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from None
    engine = str(config.get("ENGINE", ""))
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers run beside the one writer; IMMEDIATE avoids lock upgrades mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                # a 64 MB page cache (the default 2 MB thrashes on index inserts past ~100k rows)
                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                # checkpoint the WAL every 10,000 pages (40 MB) instead of 1,000: a payment writes about
                # 38 pages, and each checkpoint syncs the file; 10 % more payments a second
                "PRAGMA wal_autocheckpoint=10000;"
            ),
            "timeout": 20,
        }
        # Keep connections: opening one parses the whole schema (~2-3 ms of CPU per request otherwise).
        config["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        config["TEST"] = (
            {"NAME": str(VAR_DIR / "test.sqlite3")} if envbool("ASKESOS_TEST_DB_FILE", False) else {}
        )
    elif engine not in ("django.db.backends.postgresql",):
        raise ImproperlyConfigured(
            f"DATABASE_URL uses engine {engine!r}; Askesos supports sqlite:/// and postgres:// URLs only."
        )
    return config


DEBUG = envbool("DEBUG", False)
TESTING = envbool("ASKESOS_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "askesos-insecure-development-key-do-not-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (or set DEBUG=1 for local development)."
        )
if not (DEBUG or TESTING) and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY is shorter than 50 characters; use a long random string.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty; list the host names this server answers to.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'askesos.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "askesos.core",
    "askesos.accounts",
    "askesos.regions",
    "askesos.audit",
    "askesos.lpa",
    "askesos.registry",
    "askesos.schemes",
    "askesos.membership",
    "askesos.fund",
    "askesos.notifications",
    "askesos.contributions",
    "askesos.outreach",
    "askesos.workforce",
    "askesos.api",
    "askesos.claims",
    "askesos.analytics",
    "askesos.evaluation",
    "askesos.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "askesos.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "askesos.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "askesos.urls"
WSGI_APPLICATION = "askesos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "askesos.core.context_processors.navigation",
            ],
            "builtins": ["askesos.core.templatetags.askesos"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = envint("SESSION_TIMEOUT_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not absolute

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ASKESOS_MAX_UPLOAD_BYTES = envint("ASKESOS_MAX_UPLOAD_MB", 10) * 1024 * 1024

# Security. Production (DEBUG off) is strict; `askesos check --deploy` is clean with these.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not (DEBUG or TESTING):
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (django-csp): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Program operations.
ASKESOS_PUBLIC_BASE_URL = os.environ.get("ASKESOS_PUBLIC_BASE_URL", "")  # QR on cards; empty: this host
ASKESOS_CASH_HELD_DAYS = envint("ASKESOS_CASH_HELD_DAYS", 7)  # officer cash older than this is flagged
ASKESOS_API_RATE = os.environ.get("ASKESOS_API_RATE", "600/m")
# Notifications outbox: console (log), file (JSON lines), or http (gateway at URL with bearer TOKEN).
ASKESOS_NOTIFY_BACKEND = os.environ.get("ASKESOS_NOTIFY_BACKEND", "console")
ASKESOS_NOTIFY_URL = os.environ.get("ASKESOS_NOTIFY_URL", "")
ASKESOS_NOTIFY_TOKEN = os.environ.get("ASKESOS_NOTIFY_TOKEN", "")
ASKESOS_NOTIFY_TIMEOUT = envint("ASKESOS_NOTIFY_TIMEOUT", 10)
ASKESOS_NOTIFY_FILE = os.environ.get("ASKESOS_NOTIFY_FILE", str(VAR_DIR / "outbox.jsonl"))
ASKESOS_NOTIFY_EAGER = envbool("ASKESOS_NOTIFY_EAGER", True)  # send right after commit; off with a worker
if ASKESOS_NOTIFY_BACKEND not in ("console", "file", "http"):
    raise ImproperlyConfigured(
        f"ASKESOS_NOTIFY_BACKEND={ASKESOS_NOTIFY_BACKEND!r} is not one of console, file, http."
    )
if ASKESOS_NOTIFY_BACKEND == "http" and not ASKESOS_NOTIFY_URL:
    raise ImproperlyConfigured(
        "ASKESOS_NOTIFY_BACKEND=http needs ASKESOS_NOTIFY_URL (and ASKESOS_NOTIFY_TOKEN)."
    )

# Caches hold rate-limit counters (API, public status page), so production needs one shared by all
# server processes: a file cache on one host (default) or the database cache across hosts.
_CACHE_KIND = os.environ.get("ASKESOS_CACHE", "locmem" if (DEBUG or TESTING) else "file")
if _CACHE_KIND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif _CACHE_KIND == "file":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
elif _CACHE_KIND == "db":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "askesos_cache"}
    }
else:
    raise ImproperlyConfigured(f"ASKESOS_CACHE={_CACHE_KIND!r} is not one of locmem, file, db.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
