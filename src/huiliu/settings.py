"""Settings for every Huiliu deployment, read from the environment.

HUILIU_DATABASE_URL   database for every command (default: SQLite under var/)
HUILIU_SECRET_KEY     signing key (default: generated once into var/secret_key)
HUILIU_DEBUG          "1" for development pages with tracebacks (never in production)
HUILIU_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
HUILIU_HTTPS          "1" when served over HTTPS: secure cookies, HSTS
HUILIU_VAR_DIR        where the embedded database and secrets live (default ./var)
HUILIU_TRUSTED_PROXIES  reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed
HUILIU_DEPLOYMENT     this deployment's name among its exchange peers (default "local")
HUILIU_EXCHANGE_PREFIXES  division-code prefixes this deployment serves, e.g. "37,41" (default: all)
HUILIU_EXCHANGE_HUB   "1" when this deployment is a hub: it passes on messages for codes it does not serve
HUILIU_SIGNING_KEY_FILE   this deployment's Ed25519 signing key (default: generated into var/signing_key.pem)
HUILIU_DOCUMENT_KEYS  other deployments whose document QR codes verify here, as comma-separated name=base64key pairs
HUILIU_PUBLIC_RATE_PER_MINUTE  requests a client address may make to a public verification page each minute (default 20)
HUILIU_LOST_CONTACT_DAYS  days after an outflow with no arrival anywhere before a follow-up task is raised (default 180)
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HUILIU_VAR_DIR", Path.cwd() / "var")).resolve()


def _document_keys(text: str) -> dict[str, str]:
    """`name=base64key` pairs, comma-separated: each deployment's name with its document public key."""
    from django.core.exceptions import ImproperlyConfigured

    keys = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        name, _sep, key = (part.strip() for part in pair.partition("="))
        if not name or not key or name in keys:
            raise ImproperlyConfigured(f"HUILIU_DOCUMENT_KEYS holds {pair.strip()!r}: write each entry once, as "
                                       "deployment-name=base64-public-key.")
        keys[name] = key
    return keys


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") in {"1", "true", "yes", "on"}


def _read_or_create_secret(name: str) -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("HUILIU_SECRET_KEY") or _read_or_create_secret("secret_key")
DEBUG = _env_flag("HUILIU_DEBUG")
ALLOWED_HOSTS = os.environ.get("HUILIU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huiliu.core",
    "huiliu.audit",
    "huiliu.jurisdictions",
    "huiliu.accounts",
    "huiliu.people",
    "huiliu.births",
    "huiliu.certificates",
    "huiliu.welfare",
    "huiliu.fund",
    "huiliu.services",
    "huiliu.community",
    "huiliu.grievances",
    "huiliu.exchange",
    "huiliu.linkage",
    "huiliu.imports",
    "huiliu.reports",
    "huiliu.assessments",
    "huiliu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huiliu.audit.context.AuditContextMiddleware",
    "huiliu.accounts.sessions.SessionLifetimeMiddleware",
    "huiliu.accounts.sessions.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huiliu.urls"
WSGI_APPLICATION = "huiliu.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huiliu.accounts.context_processors.permissions",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("HUILIU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'huiliu.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE: a transaction takes the write lock when it starts, so two
            # writers queue instead of failing, and the audit chain head is read
            # under the same lock that appends to it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions (shared/SECURITY.md 8–13) ----------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "huiliu.accounts.passwords.CharacterClassValidator"},
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 30 * 60  # idle timeout: every request renews it
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
HUILIU_SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if _env_flag("HUILIU_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the application itself, never from a CDN ----------
STATIC_URL = "/static/"
# Files are found in the installed package; `collectstatic` is optional (HUILIU_STATIC_ROOT).
STATIC_ROOT = os.environ.get("HUILIU_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API -------------------------------------------------------------------------
# A page of the API is a page, not an export: bulk export gets its own permission and path.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Audit ------------------------------------------------------------------------
# The audit chain is keyed: someone who edits a row directly cannot recompute the
# chain without this key, which lives outside the database.
HUILIU_AUDIT_KEY = os.environ.get("HUILIU_AUDIT_KEY") or SECRET_KEY

# The reverse proxies in front of this deployment; their X-Forwarded-For names the client (audit.context).
# Parsed here, so a mistyped entry stops the start rather than the first request.
HUILIU_TRUSTED_PROXIES = [str(ipaddress.ip_network(p.strip(), strict=False))
                          for p in os.environ.get("HUILIU_TRUSTED_PROXIES", "").split(",") if p.strip()]

# --- Exchange between deployments (huiliu.exchange.federation) ----------------------
HUILIU_DEPLOYMENT = os.environ.get("HUILIU_DEPLOYMENT", "local")
HUILIU_EXCHANGE_PREFIXES = os.environ.get("HUILIU_EXCHANGE_PREFIXES", "")
# Only a hub relays: any other deployment refuses a message for a code it does not serve.
HUILIU_EXCHANGE_HUB = _env_flag("HUILIU_EXCHANGE_HUB")
# Signs exchange requests and the QR codes of documents (huiliu.core.signing).
HUILIU_SIGNING_KEY_FILE = Path(os.environ.get("HUILIU_SIGNING_KEY_FILE") or VAR_DIR / "signing_key.pem")
# Documents of these deployments verify here too (huiliu.core.signed_codes); this deployment's own key always does.
# Given as `name=base64key,name=base64key`: a code is checked only with the key of the deployment it names.
HUILIU_DOCUMENT_KEYS = _document_keys(os.environ.get("HUILIU_DOCUMENT_KEYS", ""))

# --- Public pages ---------------------------------------------------------------------
# Enough for a person checking their papers; too few to walk the number space.
HUILIU_PUBLIC_RATE_PER_MINUTE = int(os.environ.get("HUILIU_PUBLIC_RATE_PER_MINUTE", "20"))

# --- Record linkage ---------------------------------------------------------------------
# An outflow with no arrival anywhere this long becomes a task to get back in touch (huiliu.linkage), nothing more.
HUILIU_LOST_CONTACT_DAYS = int(os.environ.get("HUILIU_LOST_CONTACT_DAYS", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Offices share one NAT address: locking by client address would lock a whole
# township out after five typos, so accounts lock by username (shared/SECURITY.md 8).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
