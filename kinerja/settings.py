"""Django settings for Kinerja: everything configurable comes from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KINERJA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    # No SECRET_KEY given: make one per installation and keep it in var/, never in the repo.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kinerja.core.admin_site.KinerjaAdminConfig",  # the Django admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, not a CDN
    "django_htmx",
    "django_bootstrap5",
    "csp",
    "axes",  # django-axes: locks out repeated failed sign-ins (AXES_* below)
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS served from our own static files
    "kinerja.core",
    "kinerja.organisation",
    "kinerja.competencies",
    "kinerja.assessment",
    "kinerja.results",
    "kinerja.development",
    "kinerja.talent",
    "kinerja.reports",
    "kinerja.api",
    "kinerja.demo",
    "kinerja.jobs",
    "kinerja.objections",
    "kinerja.dialogue",
    "kinerja.survey",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kinerja.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "kinerja.core.middleware.MembershipMiddleware",
    "kinerja.core.middleware.DatabaseUnavailableMiddleware",
    "kinerja.api.middleware.ApiErrorShapeMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into a page
]

ROOT_URLCONF = "kinerja.urls"
WSGI_APPLICATION = "kinerja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kinerja.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kinerja.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A connection left broken by a database restart is dropped before the next request
        # uses it, so the service recovers by itself.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent raters write at once: with deferred transactions SQLite answers "database is
    # locked" to a reader that then writes (bench/README.md, form-submit throughput). WAL lets
    # reads run beside the writer and BEGIN IMMEDIATE makes writers queue for the lock instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The sign-in lockout checks first; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "kinerja.core.signin.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kinerja" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Off: with it, every {{ obj.pk }} of 1,000+ renders as "1.141" in Indonesian and breaks form
# values; counts meant for people use |intcomma explicitly.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Background jobs' uploads and outputs (kinerja/jobs): outside the web root, handed out only
    # by a view that checks who asks.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private")},
    },
}
WHITENOISE_USE_FINDERS = True  # serves straight from the packages when collectstatic was not run
MEDIA_ROOT = VAR_DIR / "media"  # uploads live outside the web root and are never served directly

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The address people open Kinerja at, for links in e-mails (reminders).
# Background jobs (kinerja/jobs) on Django's task framework. "db" (the default): the ORM backend,
# its worker `kinerja db_worker` started by `make run` beside the web server, no other service.
# "rq": a Redis-backed queue (REDIS_URL), served by any number of `kinerja rqworker default`
# processes on any number of machines (docs/deploy.md).
KINERJA_TASKS = os.environ.get("KINERJA_TASKS", "db")
# Work on at most this many people runs inside the request instead (0: always in the background).
KINERJA_JOBS_INLINE_MAX = int(os.environ.get("KINERJA_JOBS_INLINE_MAX", 500))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# django-tasks-rq needs its own job class in the workers: `kinerja rqworker default` reads it here.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
if KINERJA_TASKS == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

KINERJA_BASE_URL = os.environ.get("KINERJA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
KINERJA_IMPORT_MAX_BYTES = int(os.environ.get("KINERJA_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# Caps that refuse hostile spreadsheets before and while parsing (kinerja/core/spreadsheets.py).
KINERJA_IMPORT_MAX_ROWS = int(os.environ.get("KINERJA_IMPORT_MAX_ROWS", 100_000))
KINERJA_IMPORT_MAX_COLUMNS = int(os.environ.get("KINERJA_IMPORT_MAX_COLUMNS", 100))
KINERJA_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("KINERJA_IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
)
KINERJA_IMPORT_MAX_COMPRESSION_RATIO = int(
    os.environ.get("KINERJA_IMPORT_MAX_COMPRESSION_RATIO", 100)
)
KINERJA_IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("KINERJA_IMPORT_MAX_ZIP_MEMBERS", 1000))

BOOTSTRAP5 = {
    "css_url": {"url": "/static/bootstrap/css/bootstrap.min.css"},
    "javascript_url": {"url": "/static/bootstrap/js/bootstrap.bundle.min.js"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kinerja@localhost")

SESSION_COOKIE_HTTPONLY = True
# KINERJA_HTTPS=1: served over TLS (behind nginx/Caddy, docs/deploy.md). Turns on the redirect,
# HSTS and secure cookies, so `kinerja check --deploy` has nothing to report.
HTTPS = env_bool("KINERJA_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("KINERJA_HSTS_SECONDS", 31_536_000)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("KINERJA_BEHIND_PROXY", False):
    # The proxy terminates TLS and says so; never set this without a proxy that overwrites it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind our proxy (KINERJA_BEHIND_PROXY=1, or KINERJA_TRUST_X_FORWARDED_FOR=1 alone) the
# client's address (sign-in lockout, API token limits) is the last entry of X-Forwarded-For, the
# one that proxy wrote; otherwise REMOTE_ADDR and the header is ignored (anyone can send it).
TRUST_X_FORWARDED_FOR = env_bool(
    "KINERJA_TRUST_X_FORWARDED_FOR", env_bool("KINERJA_BEHIND_PROXY", False)
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere (behaviour lives in kinerja/core/static/kinerja/kinerja.js). Inline
# styles stay allowed: progress bars set their width in a style attribute; styles cannot run
# code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The cache holds the API's failed-token counters. Per process by default; with several gunicorn
# workers point every worker at one cache (e.g. KINERJA_CACHE_BACKEND=
# django.core.cache.backends.filebased.FileBasedCache, KINERJA_CACHE_LOCATION=/var/tmp/kinerja).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "KINERJA_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("KINERJA_CACHE_LOCATION", "kinerja"),
    }
}

# Sign-in lockout (django-axes): after KINERJA_LOGIN_FAILURE_LIMIT failed sign-ins for one account
# from one address, each one within KINERJA_LOGIN_COOLOFF_MINUTES of the last, that account is
# refused from that address for KINERJA_LOGIN_COOLOFF_MINUTES, even with the right password.
# Other accounts, and the same account from elsewhere, are unaffected. Refused attempts during
# the lockout do not extend it. The HR admin unlocks early (Administrasi → Akun terkunci).
AXES_FAILURE_LIMIT = int(os.environ.get("KINERJA_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KINERJA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # a successful sign-in forgets the earlier failures
AXES_LOCKOUT_CALLABLE = "kinerja.core.views.login_locked_out"  # the sign-in page with a message
AXES_CLIENT_IP_CALLABLE = "kinerja.core.throttle.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# Failed API tokens (kinerja/core/throttle.py): after KINERJA_TOKEN_FAILURE_LIMIT failed
# `Authorization: Bearer` attempts from one address within KINERJA_TOKEN_FAILURE_WINDOW_SECONDS,
# the API answers 429 with Retry-After to that address, even for a valid token, until the
# window has passed.
KINERJA_TOKEN_FAILURE_LIMIT = int(os.environ.get("KINERJA_TOKEN_FAILURE_LIMIT", "20"))
KINERJA_TOKEN_FAILURE_WINDOW_SECONDS = int(
    os.environ.get("KINERJA_TOKEN_FAILURE_WINDOW_SECONDS", "300")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
