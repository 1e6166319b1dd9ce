"""gridgov settings: one module, everything configurable comes from the environment.

Embedded default (no variables set): SQLite under ``var/``, the in-memory channel layer and a
secret key generated once into ``var/secret_key``. Production sets ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``; the README lists every variable.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url

from .channel_layer import channel_prefix
from .media_storage import media_store_from_environment

REPO_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("GRIDGOV_DATA_DIR", REPO_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _generated_secret_key() -> str:
    # The embedded default must run with no configuration, yet a key written in the source
    # would be the same on every install; so each install makes its own once and keeps it.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _generated_secret_key()
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "backend.core",
    "backend.accounts",
    "backend.boundaries",
    "backend.incidents",
    "backend.housing",
    "backend.realtime",
    "backend.open311",
    "backend.stats",
    "backend.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers the PWA's files itself: the shell gets the CSP too.
    "backend.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the error shape's: its answers and the NUL guard's speak the request's language.
    "backend.core.middleware.LanguageMiddleware",
    "backend.core.middleware.ApiErrorShapeMiddleware",
    "backend.core.middleware.NulCharacterGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session's: a bearer token's user replaces the cookie's, and a bad token is a
    # 401 before any CSRF check (backend/accounts/auth.py).
    "backend.accounts.middleware.AuthorizationHeaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.gridgov.urls"
ASGI_APPLICATION = "backend.gridgov.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'gridgov.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer overlap; the busy timeout makes concurrent writers
    # wait for the lock instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not Django's shared in-memory database: tests with threads then meet SQLite's
    # real locking, as the demo does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-gridgov.sqlite3")}
else:
    # Under ASGI every request runs in a thread of its own, so Django's persistent connections
    # would pile up one per thread; a pool shared by the process saves the PostgreSQL
    # handshake per request without that leak.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "16")),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub: a group send is one PUBLISH that each process hands to its own sockets,
    # where the list-based layer queued a copy per member; and memberships live only in the
    # subscribing connection, so a process that dies leaves none behind. What pub/sub drops
    # while a connection is down, sockets read back from the event log (see consumers.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": channel_prefix(REDIS_URL)},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "backend.realtime.layer.InProcessChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [REPO_DIR / "backend" / "locale"]
TIME_ZONE = os.environ.get("GRIDGOV_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Photos: `GRIDGOV_MEDIA_STORAGE` picks a store every app host shares (README, "Photos on several
# hosts"). There is no MEDIA_URL route: every photo is streamed through the API's permission
# checks, the originals above all.
_media_store = media_store_from_environment(os.environ, local_root=DATA_DIR / "media")
MEDIA_ROOT = _media_store.root
STORAGES = {
    "default": _media_store.storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The PWA (`pwa/dist/`, built by `make`) is served at `/`, with `/` answering index.html.
# Its files keep their names across versions, so browsers revalidate them every time
# (no-cache, answered by 304): the service worker's own versioned cache is what makes the app
# fast and offline, and /sw.js itself must never be stale or updates would stall.
WHITENOISE_ROOT = REPO_DIR / "pwa" / "dist"
WHITENOISE_INDEX_FILE = True
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}


def _pwa_headers(headers, path: str, url: str) -> None:
    if not url.startswith(STATIC_URL):
        headers["Cache-Control"] = "no-cache"


WHITENOISE_ADD_HEADERS_FUNCTION = _pwa_headers

# Origins of map tiles the PWA may load (`GRIDGOV_TILE_URL`); images only, nothing else.
GRIDGOV_TILE_ORIGINS = _env_list("GRIDGOV_TILE_ORIGINS", "")

# Token lifetime for `POST /api/v1/auth/token`; a worker's shift plus slack by default.
GRIDGOV_TOKEN_TTL_HOURS = int(os.environ.get("GRIDGOV_TOKEN_TTL_HOURS", "72"))

# HTTPS hardening is on unless the deployment says it runs on plain HTTP (the demo on
# 127.0.0.1 does); `manage.py check --deploy` passes with the defaults.
GRIDGOV_HTTPS = _env_bool("GRIDGOV_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if GRIDGOV_HTTPS:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # pyogrio logs "Created N records" at INFO on every file written: noise on the console of
    # every export and generate-grids, while its warnings still matter.
    "loggers": {"pyogrio": {"level": "WARNING"}},
}
GRIDGOV_CLIENT_IP_HEADER = os.environ.get("GRIDGOV_CLIENT_IP_HEADER", "")
GRIDGOV_NUMBER_PREFIX = os.environ.get("GRIDGOV_NUMBER_PREFIX", "SF")
GRIDGOV_WS_RECHECK_SECONDS = float(os.environ.get("GRIDGOV_WS_RECHECK_SECONDS", "60"))
# How long a live event waits for a lower seq's transaction to end before it is left to the
# sockets' re-checks (backend/realtime/services.py).
GRIDGOV_EVENT_HORIZON_WAIT_SECONDS = float(
    os.environ.get("GRIDGOV_EVENT_HORIZON_WAIT_SECONDS", "30")
)

# Case deadlines (backend/incidents/deadlines.py): office hours of the zone, its public
# holidays, and any limit of DEFAULT_DEADLINES to override, as JSON.
GRIDGOV_WORKING_HOURS = tuple(os.environ.get("GRIDGOV_WORKING_HOURS", "08:30-17:30").split("-"))
GRIDGOV_HOLIDAYS = frozenset(_env_list("GRIDGOV_HOLIDAYS", ""))
GRIDGOV_DEADLINES = json.loads(os.environ.get("GRIDGOV_DEADLINES", "{}"))

GRIDGOV_OPEN311_JURISDICTION = os.environ.get("GRIDGOV_OPEN311_JURISDICTION", "")
if os.environ.get("GRIDGOV_OPEN311_CONTACT"):
    GRIDGOV_OPEN311_CONTACT = os.environ["GRIDGOV_OPEN311_CONTACT"]
