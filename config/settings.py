"""Diarium settings.

Everything that differs between the embedded default (one machine, SQLite, files
on local disk) and a production cluster (PostgreSQL, object storage, a real
queue) is chosen here from environment variables, never in domain code.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Writable state of the embedded default (database, files). Can be moved with
# DIARIUM_VAR_DIR, e.g. when running from an installed package.
# From a source checkout that is ./var beside manage.py; from an installed package,
# var/ in the working directory.
VAR_DIR = Path(
    os.environ.get("DIARIUM_VAR_DIR")
    or ((BASE_DIR / "var") if (BASE_DIR / "manage.py").exists() else (Path.cwd() / "var"))
)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key(key_file: Path, *, create: bool) -> str:
    """DJANGO_SECRET_KEY, else the key kept in `key_file` (var/secret_key).

    The key signs sessions, CSRF tokens and the remiss answer links, so it must
    not be in the source: anyone with the code and a copy of the database could
    forge links. Where neither is set, the demo and a debug start (`create`)
    make a random key and keep it in `key_file` (mode 0600) for later starts;
    any other start refuses to run.
    """
    from django.core.exceptions import ImproperlyConfigured

    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    if not create:
        raise ImproperlyConfigured(
            f"Ingen hemlig nyckel: sätt DJANGO_SECRET_KEY (en lång slumpsträng, t.ex. från "
            f"`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`) eller spara en i {key_file}. "
            f"Bara `diarium demo` och DIARIUM_DEBUG=1 skapar en själva."
        )
    import secrets

    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the demo made it first
        return secret_key(key_file, create=False)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


DEBUG = env_bool("DIARIUM_DEBUG", False)
# `diarium demo` sets DIARIUM_SECRET_KEY_CREATE (diarium/cli.py), as does `make bench`.
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = secret_key(SECRET_KEY_FILE, create=DEBUG or env_bool("DIARIUM_SECRET_KEY_CREATE"))
ALLOWED_HOSTS = env_list("DIARIUM_ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost,testserver,[::1]")
# Hosts that show the shared service (every organisation; /o/<slug>/ for one of them). Any other
# host must be an organisation's Organisation.host, else 404 (diarium/accounts/sites.py).
DIARIUM_SHARED_HOSTS = env_list("DIARIUM_SHARED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DIARIUM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves Swagger UI's assets from our own static files (CSP: 'self')
    "diarium.core",
    "diarium.accounts",
    "diarium.registry",
    "diarium.remiss",
    "diarium.decisions",
    "diarium.plans",
    "diarium.intake",
    "diarium.opendata",
    "diarium.documents",
    "diarium.search",
    "diarium.desk",
    "diarium.archive",
    "diarium.administration",
    "diarium.reading",
    "diarium.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Operations (docs/DEPLOYMENT.md): the request id first, so every log line of a
    # request carries it; the metrics around everything else; /healthz, /readyz and
    # /metrics answered before the HTTPS redirect, host check, sessions and limits.
    "diarium.core.requestlog.RequestIdMiddleware",
    "diarium.core.metrics.MetricsMiddleware",
    "diarium.core.operations.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "diarium.core.control_characters.RefuseControlCharactersMiddleware",
    # The language (the switch's cookie, else Accept-Language, else Swedish) before the
    # public cache: its key holds the active language.
    "django.middleware.locale.LocaleMiddleware",
    # Which organisation's site the host (or /o/<slug>/) is; an unknown host is a cheap 404.
    "diarium.accounts.sites.SiteMiddleware",
    # Anonymous public answers from the shared cache, ETags and 304s; before the sessions,
    # CSRF and the rate limiter, so it sees every Set-Cookie (diarium/core/public_cache.py).
    "diarium.core.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diarium.core.middleware.SecurityHeadersMiddleware",
    # A store refusing a file (ServiceUnavailable): 503 with Retry-After, never a 500.
    "diarium.core.middleware.ServiceUnavailableMiddleware",
    # Before anything reads the body (CSRF, the views): a 413 for oversized requests.
    "diarium.core.middleware.RequestSizeLimitMiddleware",
    "diarium.core.ratelimit.PublicRateLimitMiddleware",
    # An API write sent with an Idempotency-Key runs in one transaction with its record,
    # so a client's retry after a lost answer is done once (diarium/core/idempotency.py).
    "diarium.core.idempotency.IdempotencyKeyMiddleware",
    # Must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "diarium.accounts.sites.site_context",  # `site`: the organisation's site or None
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'diarium.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as _exc:  # an unknown scheme, an unquoted character, a port that is no number
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DATABASE_URL går inte att tolka. Ange t.ex. postgres://användare:lösenord@värd:5432/databas eller "
        "sqlite:////sökväg/till/diarium.sqlite3; tecken som @ : / i lösenordet skrivs kodade (%40 %3A %2F)."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL: writers queue on the busy timeout instead of
    # failing, which keeps diary numbers gapless under concurrent registration.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not pytest-django's shared-cache memory database: under
    # threads the latter fails with "table is locked" regardless of timeouts.
    import tempfile

    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "DIARIUM_TEST_DB", str(Path(tempfile.gettempdir()) / f"diarium-test-{os.getpid()}.sqlite3")
        )
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytical queries, and a web
    # request's queries are short; with it on, PostgreSQL compiled the counts and
    # semi-joins of the OParl lists on every request (twice the time of a page of
    # files, bench/opendata_bench.py). A DATABASE_URL with ?options=... decides itself.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A streaming replica of the primary (DATABASE_REPLICA_URL), for reads that
    # tolerate its lag: the PostgreSQL search engine's queries (DIARIUM_SEARCH_READ_DATABASE).
    # In tests it is a mirror of the test database (Django's TEST MIRROR).
    if os.environ.get("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        # A replica that does not answer costs a read a few seconds at most: its reads then go to
        # the primary (diarium/core/replica.py), until a probe finds it healthy again.
        DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 3)
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# How far behind (seconds) the replica may be and still be read, and how long each process
# keeps a probe's answer (diarium/core/replica.py; `diarium replica-status`).
DIARIUM_REPLICA_MAX_LAG = float(os.environ.get("DIARIUM_REPLICA_MAX_LAG") or 30)
DIARIUM_REPLICA_CHECK_SECONDS = float(os.environ.get("DIARIUM_REPLICA_CHECK_SECONDS") or 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Files ----------------------------------------------------------------------
# Local disk by default; set DIARIUM_STORAGE=s3 (and the AWS_* variables of
# django-storages) for S3-compatible object storage.
MEDIA_ROOT = os.environ.get("DIARIUM_MEDIA_ROOT", str(VAR_DIR / "files"))
if os.environ.get("DIARIUM_STORAGE", "local") == "s3":
    _file_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
    # django-storages reads these from the settings, not the environment.
    for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_ACCESS_KEY_ID",
                  "AWS_SECRET_ACCESS_KEY", "AWS_LOCATION"):
        if os.environ.get(_name):
            globals()[_name] = os.environ[_name]
    # A store that refuses or does not answer costs an upload seconds, not minutes: short
    # timeouts and one retry (a silent store: about 2 x 10 s, inside the app server's 30 s
    # worker timeout), then the upload is refused with 503 and nothing is kept
    # (diarium/registry/files.py). With a client config of its own, django-storages no longer
    # applies AWS_S3_ADDRESSING_STYLE / AWS_S3_SIGNATURE_VERSION itself: they are set here.
    from botocore.config import Config as _S3ClientConfig

    AWS_S3_CLIENT_CONFIG = _S3ClientConfig(
        connect_timeout=float(os.environ.get("DIARIUM_S3_CONNECT_TIMEOUT") or 5),
        read_timeout=float(os.environ.get("DIARIUM_S3_READ_TIMEOUT") or 10),
        retries={"mode": "standard", "total_max_attempts": int(os.environ.get("DIARIUM_S3_MAX_ATTEMPTS") or 2)},
        s3={"addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None},
        signature_version=os.environ.get("AWS_S3_SIGNATURE_VERSION") or None,
    )
else:
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DIARIUM_STATIC_ROOT", str(VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Seconds a client is asked to wait (Retry-After of the 503) when the file store refuses
# (diarium.registry.files).
DIARIUM_STORAGE_RETRY_AFTER = int(os.environ.get("DIARIUM_STORAGE_RETRY_AFTER") or 60)
# Upload rules (read lazily by diarium.registry.files).
DIARIUM_MAX_UPLOAD_BYTES = int(os.environ.get("DIARIUM_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads are written here while a request runs (deleted when it ends);
# files a crashed process left are removed at the next start (diarium.core.apps).
FILE_UPLOAD_TEMP_DIR = os.environ.get("DIARIUM_UPLOAD_TEMP_DIR") or str(VAR_DIR / "upload-tmp")

# --- Cache (shared between app servers: database by default) ---------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "diarium_cache",
    }
}
if os.environ.get("DIARIUM_REDIS_URL"):
    CACHES["default"] = {
        # Redis down is a cache miss, never an error page (diarium/core/cache.py).
        "BACKEND": "diarium.core.cache.ResilientRedisCache",
        "LOCATION": os.environ["DIARIUM_REDIS_URL"],
    }
# Anonymous public answers kept in the shared cache (diarium/core/public_cache.py): seconds
# a kept answer lives (0: none kept; ETags and 304s all the same). Every committed write
# retires them at once. Default 60 with Redis, 0 with the database cache of the embedded
# default (a miss would write to SQLite). DIARIUM_PUBLIC_CACHE_MAX_AGE: the max-age browsers
# and proxies get (0: they revalidate by ETag, so a masking reaches them at once).
DIARIUM_PUBLIC_CACHE_SECONDS = int(os.environ.get("DIARIUM_PUBLIC_CACHE_SECONDS")
                                   or (60 if os.environ.get("DIARIUM_REDIS_URL") else 0))
DIARIUM_PUBLIC_CACHE_MAX_AGE = int(os.environ.get("DIARIUM_PUBLIC_CACHE_MAX_AGE") or 0)
DIARIUM_PUBLIC_CACHE_MAX_BYTES = int(os.environ.get("DIARIUM_PUBLIC_CACHE_MAX_BYTES") or 1024 * 1024)

# --- Authentication and security -------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords, refused where the user's organisations have turned local passwords off
    # (Organisation.local_login_enabled; superusers and emergency accounts excepted).
    "diarium.accounts.backends.LocalPasswordBackend",
    # Single sign-on (OpenID Connect, SAML): never authenticates itself; the session of a
    # person signed in through an identity provider names it (diarium/accounts/views_sso.py).
    "diarium.accounts.backends.SingleSignOnBackend",
]
# Login rate limit: 5 failures per username and address, locked for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DIARIUM_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:start"  # the desk; a member with nothing on it goes on to their meetings
LOGOUT_REDIRECT_URL = "registry:case_list"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DIARIUM_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time ---------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "diarium" / "locale"]
LANGUAGE_COOKIE_NAME = "diarium_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
FORMAT_MODULE_PATH = ["diarium.formats"]

# Background tasks (django-tasks). The embedded default keeps the queue in the
# database and `diarium worker` runs it; DIARIUM_TASKS_BACKEND picks another
# backend (e.g. a real queue) by its dotted path.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DIARIUM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The real queue of a production topology: DIARIUM_TASKS_BACKEND=django_tasks_rq.RQBackend,
# RQ over Redis at DIARIUM_QUEUE_URL (default DIARIUM_REDIS_URL). Tasks then go through the
# outbox of diarium/core/queue.py (nothing lost while Redis is away, nothing run twice at once);
# `diarium worker` runs RQ's worker with the outbox relay (docs/DEPLOYMENT.md, "Kö och arbetare").
DIARIUM_QUEUE_URL = (os.environ.get("DIARIUM_QUEUE_URL") or os.environ.get("DIARIUM_REDIS_URL")
                     or "redis://127.0.0.1:6379/0")
RQ_QUEUES = {
    "default": {
        # An unreachable Redis fails a push within seconds (the relay pushes later), never hangs a request.
        "URL": DIARIUM_QUEUE_URL + ("" if "socket_connect_timeout" in DIARIUM_QUEUE_URL else
                                    ("&" if "?" in DIARIUM_QUEUE_URL else "?") + "socket_connect_timeout=3"),
        "DEFAULT_TIMEOUT": int(os.environ.get("DIARIUM_QUEUE_JOB_TIMEOUT") or 3600),
    }
}
RQ = {"COMMIT_MODE": "auto"}  # the outbox pushes after the commit itself
INSTALLED_APPS.append("django_rq")  # always, so that every database has its (empty) migrations
# A claimed task's lease (a killed worker's task runs again this much later), the relay's
# interval and how many claims a task gets before it is given up.
DIARIUM_QUEUE_LEASE_SECONDS = float(os.environ.get("DIARIUM_QUEUE_LEASE_SECONDS") or 120)
DIARIUM_QUEUE_RELAY_SECONDS = float(os.environ.get("DIARIUM_QUEUE_RELAY_SECONDS") or 5)
DIARIUM_QUEUE_MAX_ATTEMPTS = int(os.environ.get("DIARIUM_QUEUE_MAX_ATTEMPTS") or 5)
# The registrar's mailbox for requests to see public documents (none: the
# request is only recorded on the case), the contact on the accessibility
# statement, and how many copy requests one address may make an hour.
DIARIUM_REGISTRAR_EMAIL = os.environ.get("DIARIUM_REGISTRAR_EMAIL", "")
# The masking assistant (issue 18): words that reveal health, social-services or criminal
# matters, beyond the shipped list (diarium/core/privacy/data/sensitive_words.txt);
# comma-separated, a trailing * for every inflection ("missbruk*").
DIARIUM_PRIVACY_SENSITIVE_WORDS = [
    w.strip() for w in os.environ.get("DIARIUM_PRIVACY_SENSITIVE_WORDS", "").split(",") if w.strip()]
# Digital signatures of the adjusted minutes (issue 19, diarium/core/signing.py):
# the organisation's signing certificate as a PKCS#12 file. Unset, the chair and
# the adjusters approve the minutes with their own logins and no signature goes
# into the PDF. An eID signing service plugs in through its own BACKEND class.
DIARIUM_SIGNING = {
    "BACKEND": os.environ.get("DIARIUM_SIGNING_BACKEND", "diarium.core.signing.Pkcs12Signer"),
    "PKCS12": os.environ["DIARIUM_SIGNING_PKCS12"],
    "PASSWORD": os.environ.get("DIARIUM_SIGNING_PASSWORD", ""),
} if os.environ.get("DIARIUM_SIGNING_PKCS12") else {}
# SAML 2.0 single sign-on (issue 25, diarium/accounts/sso/saml.py): the service provider's
# private key and certificate (PEM files) that sign its AuthnRequests and are published in its
# metadata. Unset, the SAML pages answer "SAML är inte konfigurerat" (503).
DIARIUM_SAML_KEY_FILE = os.environ.get("DIARIUM_SAML_KEY_FILE", "")
DIARIUM_SAML_CERT_FILE = os.environ.get("DIARIUM_SAML_CERT_FILE", "")
DIARIUM_ACCESSIBILITY_CONTACT = os.environ.get("DIARIUM_ACCESSIBILITY_CONTACT", "")
DIARIUM_COPY_REQUEST_LIMIT = int(os.environ.get("DIARIUM_COPY_REQUEST_LIMIT") or 20)
# Working days a request for a public document is to be decided in (TF 2 kap. 15 §: skyndsamt).
DIARIUM_COPY_REQUEST_TARGET_WORKDAYS = int(os.environ.get("DIARIUM_COPY_REQUEST_TARGET_WORKDAYS") or 1)
# The desk's notifications (diarium.desk.services): a due date is reminded this many
# days before it, and daily digests go out from this hour, local time.
DIARIUM_DUE_REMINDER_DAYS = int(os.environ.get("DIARIUM_DUE_REMINDER_DAYS") or 3)
DIARIUM_DIGEST_HOUR = int(os.environ.get("DIARIUM_DIGEST_HOUR") or 7)
# Days a remiss recipient who answered can still read the answer through the
# personal link after the round closed for them (diarium/remiss/services.py).
# The earliest date a record of something that happened may carry (registration,
# a document's date, a report's date); none may lie after today (diarium.core.limits).
DIARIUM_EARLIEST_DATE = os.environ.get("DIARIUM_EARLIEST_DATE") or "1900-01-01"
DIARIUM_REMISS_LINK_DAYS_AFTER_CLOSE = int(os.environ.get("DIARIUM_REMISS_LINK_DAYS_AFTER_CLOSE") or 30)
# Requests per window one client may make to OParl, dumps, feeds, calendars and
# the anonymous API ("off" to turn off), and how many proxies set X-Forwarded-For
# (diarium/core/ratelimit.py).
DIARIUM_PUBLIC_RATE_LIMIT = os.environ.get("DIARIUM_PUBLIC_RATE_LIMIT", "600/60")
DIARIUM_GC_FREEZE = env_bool("DIARIUM_GC_FREEZE", True)  # diarium/core/memory.py
DIARIUM_OPARL_LIST_SECONDS = int(os.environ.get("DIARIUM_OPARL_LIST_SECONDS") or 15)  # opendata/oparl/http.py
# Hours an API write's Idempotency-Key and its answer are kept (diarium/core/idempotency.py).
DIARIUM_IDEMPOTENCY_HOURS = int(os.environ.get("DIARIUM_IDEMPOTENCY_HOURS") or 24)
DIARIUM_PROXY_COUNT = int(os.environ.get("DIARIUM_PROXY_COUNT") or 0)
# Full-text search (diarium/search): the engine ("tantivy", the default, or
# "postgres" for PostgreSQL's own full-text search) and where the tantivy index
# lives. Read lazily by diarium.search.conf.
DIARIUM_SEARCH_ENGINE = os.environ.get("DIARIUM_SEARCH_ENGINE", "tantivy")
DIARIUM_SEARCH_INDEX_DIR = os.environ.get("DIARIUM_SEARCH_INDEX_DIR") or str(VAR_DIR / "search-index")
DIARIUM_SEARCH_REBUILD_PROCESSES = os.environ.get("DIARIUM_SEARCH_REBUILD_PROCESSES")  # default: CPUs - 1
# The database the PostgreSQL engine reads from (default: "replica" when
# DATABASE_REPLICA_URL is set, see diarium.search.conf.read_database).
DIARIUM_SEARCH_READ_DATABASE = os.environ.get("DIARIUM_SEARCH_READ_DATABASE")
# The search app's numbers (README, "Search"): set from the environment when
# given, else diarium.search's own defaults apply.
for _name in ("BATCH", "WRITER_HEAP_MB", "MAX_FILE_BYTES", "MAX_TEXT_CHARS", "MAX_PDF_PAGES", "MAX_UNPACKED_BYTES",
              "ALERT_MAX_HITS", "ALERT_LOOKBACK_DAYS", "SUBSCRIBE_LIMIT", "COUNT_LIMIT", "SAMPLE_LIMIT"):
    if os.environ.get(f"DIARIUM_SEARCH_{_name}"):
        globals()[f"DIARIUM_SEARCH_{_name}"] = int(os.environ[f"DIARIUM_SEARCH_{_name}"])
# Text layers for scanned PDFs (issue 20, diarium/registry/ocr.py): the worker gives a PDF
# without text one by OCR (OCRmyPDF with Tesseract), as a new version of the file.
# DIARIUM_OCR: "on" or "off"; unset or "auto" is on where OCRmyPDF and a tesseract program
# are installed. DIARIUM_OCR_LANGUAGES: Tesseract's languages, joined by "+".
_ocr = os.environ.get("DIARIUM_OCR", "auto").strip().lower()
DIARIUM_OCR = None if _ocr in ("", "auto") else env_bool("DIARIUM_OCR")
DIARIUM_OCR_LANGUAGES = os.environ.get("DIARIUM_OCR_LANGUAGES") or "swe+eng"
# The registrar's inbox (issue 20, diarium/intake): the function mailboxes are set up per
# organisation (admin or API); these are the limits of reading them.
# DIARIUM_INTAKE_MAX_MESSAGE_BYTES: the largest message taken in (a larger one is listed and left
# in its mailbox); DIARIUM_INTAKE_IMAP_TIMEOUT: seconds to wait for the IMAP server;
# DIARIUM_INTAKE_CA_FILE: a CA bundle for a server whose certificate a municipality's own CA signed.
if os.environ.get("DIARIUM_INTAKE_MAX_MESSAGE_BYTES"):
    DIARIUM_INTAKE_MAX_MESSAGE_BYTES = int(os.environ["DIARIUM_INTAKE_MAX_MESSAGE_BYTES"])
DIARIUM_INTAKE_IMAP_TIMEOUT = float(os.environ.get("DIARIUM_INTAKE_IMAP_TIMEOUT") or 30)
DIARIUM_INTAKE_CA_FILE = os.environ.get("DIARIUM_INTAKE_CA_FILE", "")
# Absolute address of the site, for links in e-mail (answer links, reminders).
SITE_URL = os.environ.get("DIARIUM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DIARIUM_FROM_EMAIL", "diarium@localhost")

EMAIL_BACKEND = os.environ.get(
    "DIARIUM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DIARIUM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DIARIUM_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("DIARIUM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DIARIUM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DIARIUM_EMAIL_TLS", False)
EMAIL_TIMEOUT = 30

# Logs (diarium/core/logs.py): DIARIUM_LOG_FORMAT "json" (one JSON object a line with
# timestamp, level, logger, event and request_id; the default of `diarium serve` and
# `diarium worker`, set by diarium/cli.py) or "console" (readable lines, e.g. `make demo`).
DIARIUM_LOG_FORMAT = os.environ.get("DIARIUM_LOG_FORMAT", "console").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"diarium": {"()": "diarium.core.logs.json_formatter" if DIARIUM_LOG_FORMAT == "json"
                               else "diarium.core.logs.console_formatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "diarium",
                             "stream": "ext://sys.stdout" if DIARIUM_LOG_FORMAT == "json" else "ext://sys.stderr"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DIARIUM_LOG_LEVEL", "WARNING")},
    # pysaml2 logs whole SAML messages (assertions, at DEBUG, INFO and in its ERROR texts): never
    # written; diarium/accounts/sso/saml.py logs each refusal's reason itself.
    "loggers": {"saml2": {"level": "CRITICAL", "propagate": False}},
}
# /metrics (diarium/core/operations.py): unset, only clients on loopback or a private
# network may read it; set, only a request with "Authorization: Bearer <token>".
DIARIUM_METRICS_TOKEN = os.environ.get("DIARIUM_METRICS_TOKEN", "")
