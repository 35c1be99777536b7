"""Settings for every environment, driven by environment variables (django-environ).

The embedded default (no variables set) runs on SQLite under ``var/`` with the Celery filesystem
transport, so a fresh clone starts with no services. Production sets ``DJANGO_ENV=production``
and must provide a secret key, PostgreSQL and Redis (enforced by ``camau_portal.checks``).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env("DJANGO_DEBUG") if "DJANGO_DEBUG" in env.ENVIRON else not IS_PRODUCTION
# Development gets a fixed key so a fresh clone runs; production has no default. Every process
# refuses to start without a real key in production, and on this one with DEBUG off
# (camau_portal.checks).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if IS_PRODUCTION else DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Form widgets render through the project's templates (FORM_RENDERER below).
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    # django-axes (accounts.lockout), named for the admin menu.
    "accounts.apps.SignInLockoutsConfig",
    "django_ratelimit",
    "camau_portal",
    # The outbox and its delivery: the bottom layer accounts and reports both write to.
    "camau_portal.notifications",
    "accounts",
    "services",
    "reports",
]

# Demo data, the embedded runner, the mail viewer and the benchmarks: never in production unless
# asked for (a benchmark run on production settings), and their dependencies (the dev extra)
# are not installed there.
DEVTOOLS = env.bool("PORTAL_DEVTOOLS", default=not IS_PRODUCTION)
if DEVTOOLS:
    INSTALLED_APPS.append("camau_portal.devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After sessions, authentication and messages: the refusal page is translated and shows
    # who is signed in.
    "camau_portal.request_text.UnusableInputMiddleware",
    # Last, as django-axes asks: it marks the response of a locked-out sign-in (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "camau_portal.urls"
WSGI_APPLICATION = "camau_portal.wsgi.application"

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
            ],
        },
    },
]

# Widgets render with the project's templates first, so the empty choice of every select (the
# admin's forms and actions included) reads as a translated word, not Django's "---------":
# templates/django/forms/widgets/select_option.html.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share the embedded database: readers never
    # wait. Writers take turns; one that finds the lock taken waits for it (busy_timeout, in
    # ms) rather than failing with "database is locked". Every writer keeps its transactions
    # short (the statistics rollup included), so the wait is normally a few milliseconds.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query it estimates as large before running it: 60-100 ms
    # here, more than any page's queries take once they read indexes and tallies, and it
    # kicks in on exactly the plans that grow with the archive. Off for the portal's
    # connections (an "options" parameter in DATABASE_URL still wins).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes refuses locked-out sign-ins before the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:my_reports"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first; English complete. No URL prefixes: the language is a cookie, so a shared
# link shows the reader's own language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["camau_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Photos in MEDIA_ROOT are served by the portal itself at MEDIA_URL when this is on: always in
# development; in production only when asked, for a single server without a proxy that serves
# MEDIA_ROOT (the README shows that proxy configuration). Object storage serves its own.
PORTAL_SERVE_MEDIA = env.bool("PORTAL_SERVE_MEDIA", default=DEBUG)

# Uploaded originals wait here for the photo pipeline (reports.intake.photos): outside
# MEDIA_ROOT, and a storage whose url() refuses, so they are never served.
PHOTO_ORIGINALS_ROOT = Path(
    env.str("PHOTO_ORIGINALS_ROOT", default=str(VAR_DIR / "photo-originals"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "photo_originals": {
        "BACKEND": "camau_portal.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PHOTO_ORIGINALS_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Object storage in production (django-storages, installed with the "s3" deployment extra).
    # The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the machine's role),
    # read by boto3 itself; django-storages reads the rest from these settings.
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)  # not AWS: its address
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    # "path" for S3-compatible servers without a wildcard DNS name per bucket.
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default=None)
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    # The bucket stays private: every photo address is signed and expires, and a page issues
    # one only to whoever may see that report's photos (a report not yet public: its reporter
    # and staff). Originals live under their own prefix and get no address at all.
    _PRIVATE_BUCKET = {
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _PRIVATE_BUCKET}
    STORAGES["photo_originals"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_PRIVATE_BUCKET, "location": "originals"},
    }

# Uploads: five phone photos fit; anything larger is refused before it reaches the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=12 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
# The photo pipeline decodes in a child process with this much address space (a 7000 x 7000
# PNG needs about 300 MB as decoded and resized) and gives up on a file after this long.
PHOTO_DECODER_MEMORY_LIMIT_MB = env.int("PHOTO_DECODER_MEMORY_LIMIT_MB", default=1024)
PHOTO_DECODER_TIMEOUT_SECONDS = env.int("PHOTO_DECODER_TIMEOUT_SECONDS", default=120)
# Pixels all the photos of one submission may have together, checked from their headers in the
# request: the work one report can give the images worker (five 12 MP phone photos fit).
PHOTO_SUBMISSION_MAX_PIXELS = env.int("PHOTO_SUBMISSION_MAX_PIXELS", default=150_000_000)
PHOTO_MAX_EDGE = 2048
PHOTO_THUMBNAIL_EDGE = 400
PHOTOS_PER_REPORT = 5

REDIS_URL = env.str("REDIS_URL", default="")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# Celery: Redis in production; the filesystem transport for the embedded default.
CELERY_BROKER_DIR = VAR_DIR / "celery"
# An unacknowledged task is redelivered after this long (a worker died holding it); every
# task's hard time limit stays below it (camau_portal.checks) so none runs twice at once.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Submissions must not hang on a broker that is down: fail fast, the outbox retries.
        "socket_connect_timeout": 3,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange bindings; kombu would otherwise write them to ./control.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "CELERY_TASK_SOFT_TIME_LIMIT", default=max(CELERY_TASK_TIME_LIMIT - 60, 1)
)
CELERY_TASK_DEFAULT_QUEUE = "default"
# A worker started without -Q consumes every queue; production runs one worker per queue so
# a burst of photos never delays an email.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("default", "email", "images")
]
# By task name: every task names itself (``shared_task(name=...)``), so moving code never
# strands a queued message or changes its queue.
CELERY_TASK_ROUTES = {
    "reports.intake.*": {"queue": "images"},
    "notifications.*": {"queue": "email"},
    "reports.deadlines.*": {"queue": "default"},
    # Downloads of media_url photos are photo work: they wait with the thumbnails.
    "reports.open311.*": {"queue": "images"},
    "reports.backoffice.*": {"queue": "default"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "camau_portal.celery:PortalScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
DEADLINE_SCAN_INTERVAL_SECONDS = env.int("DEADLINE_SCAN_INTERVAL_SECONDS", default=300)
# Outbox rows still pending this long after they were due are re-queued (their task never
# reached the broker); a re-queued row is not queued again for the lease.
OUTBOX_REQUEUE_INTERVAL_SECONDS = env.int("OUTBOX_REQUEUE_INTERVAL_SECONDS", default=60)
OUTBOX_REQUEUE_GRACE_SECONDS = env.int("OUTBOX_REQUEUE_GRACE_SECONDS", default=120)
OUTBOX_REQUEUE_LEASE_SECONDS = env.int("OUTBOX_REQUEUE_LEASE_SECONDS", default=600)
# The waits before each retry of a message its provider refused (SMTP, SMSC); after the last
# the row is marked failed. Default: 1, 5 and 15 minutes, 1, 3, 6 and 12 hours.
OUTBOX_RETRY_DELAYS_SECONDS = [
    int(seconds)
    for seconds in env.list(
        "OUTBOX_RETRY_DELAYS_SECONDS",
        default=["60", "300", "900", "3600", "10800", "21600", "43200"],
    )
]
CELERY_BEAT_SCHEDULE: dict = {
    "deadline-scan": {
        "task": "reports.deadlines.scan",
        "schedule": float(DEADLINE_SCAN_INTERVAL_SECONDS),
        "options": {"expires": float(DEADLINE_SCAN_INTERVAL_SECONDS)},
    },
    "outbox-requeue": {
        "task": "notifications.requeue_pending_emails",
        "schedule": float(OUTBOX_REQUEUE_INTERVAL_SECONDS),
        "options": {"expires": float(OUTBOX_REQUEUE_INTERVAL_SECONDS)},
    },
    "daily-digest": {
        "task": "reports.deadlines.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),  # CELERY_TIMEZONE: Asia/Ho_Chi_Minh
    },
}
CELERY_BEAT_SCHEDULE["photos-discard-stale-staged"] = {
    "task": "reports.intake.discard_stale_staged_photos",
    "schedule": crontab(hour=3, minute=20),
}
# Photos still waiting for the pipeline (their task never reached the broker, e.g. Redis was
# down when they were uploaded) are queued again.
PHOTO_SWEEP_INTERVAL_SECONDS = env.int("PHOTO_SWEEP_INTERVAL_SECONDS", default=120)
# How long after its upload a waiting photo is taken to have lost its task (the broker was down,
# or a worker died holding it). Processing one twice is harmless: the first result is kept.
PHOTO_SWEEP_GRACE_SECONDS = env.int("PHOTO_SWEEP_GRACE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["photos-queue-unprocessed"] = {
    "task": "reports.intake.queue_unprocessed_photos",
    "schedule": float(PHOTO_SWEEP_INTERVAL_SECONDS),
    "options": {"expires": float(PHOTO_SWEEP_INTERVAL_SECONDS)},
}
# Photos given by address (Open311 media_url) whose download task was lost: the same sweep.
CELERY_BEAT_SCHEDULE["open311-queue-remote-photos"] = {
    "task": "reports.open311.queue_remote_photos",
    "schedule": float(PHOTO_SWEEP_INTERVAL_SECONDS),
    "options": {"expires": float(PHOTO_SWEEP_INTERVAL_SECONDS)},
}
CELERY_BEAT_SCHEDULE["close-resolved-reports"] = {
    "task": "reports.handling.close_resolved_reports",
    "schedule": 3600,
}
# Agencies' back offices (reports.backoffice): their updates are read this often; a delivery
# whose task was lost is queued again this long after it was due, by a sweep this often.
BACK_OFFICE_UPDATES_INTERVAL_SECONDS = env.int("BACK_OFFICE_UPDATES_INTERVAL_SECONDS", default=300)
BACK_OFFICE_REQUEUE_GRACE_SECONDS = env.int("BACK_OFFICE_REQUEUE_GRACE_SECONDS", default=300)
BACK_OFFICE_REQUEUE_INTERVAL_SECONDS = env.int("BACK_OFFICE_REQUEUE_INTERVAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["back-office-updates"] = {
    "task": "reports.backoffice.fetch_updates",
    "schedule": float(BACK_OFFICE_UPDATES_INTERVAL_SECONDS),
    "options": {"expires": float(BACK_OFFICE_UPDATES_INTERVAL_SECONDS)},
}
CELERY_BEAT_SCHEDULE["back-office-requeue"] = {
    "task": "reports.backoffice.requeue_due_deliveries",
    "schedule": float(BACK_OFFICE_REQUEUE_INTERVAL_SECONDS),
    "options": {"expires": float(BACK_OFFICE_REQUEUE_INTERVAL_SECONDS)},
}
# Statistics rollup and public map cells: a few minutes behind the reports.
CELERY_BEAT_SCHEDULE["refresh-statistics"] = {
    "task": "reports.stats.refresh_statistics",
    "schedule": env.int("STATS_REFRESH_SECONDS", default=300),
}

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # The embedded default writes each email to a file a developer can open (see /dev/mail/).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# An SMTP server that stops answering must not hold a worker past its time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Phản ánh hiện trường Cà Mau <noreply@camau.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# SMS to reporters who gave a phone and no email. With SMS_SMPP_HOST set, through the carrier's
# SMSC over SMPP 3.4; otherwise each SMS is written to a file under var/sms (see /dev/sms/).
SMS_SMPP_HOST = env.str("SMS_SMPP_HOST", default="")
SMS_SMPP_PORT = env.int("SMS_SMPP_PORT", default=2775)
SMS_SMPP_SYSTEM_ID = env.str("SMS_SMPP_SYSTEM_ID", default="")
SMS_SMPP_PASSWORD = env.str("SMS_SMPP_PASSWORD", default="")
SMS_SMPP_SYSTEM_TYPE = env.str("SMS_SMPP_SYSTEM_TYPE", default="")
# The registered brand name (at most 11 letters) or number the texts come from.
SMS_SOURCE_ADDRESS = env.str("SMS_SOURCE_ADDRESS", default="CAMAU")
# An SMSC that stops answering must not hold a worker past its time limit.
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=30)
# Ask the SMSC for delivery receipts, and collect them every SMS_RECEIPTS_INTERVAL_SECONDS.
SMS_DELIVERY_RECEIPTS = env.bool("SMS_DELIVERY_RECEIPTS", default=True)
SMS_RECEIPTS_INTERVAL_SECONDS = env.int("SMS_RECEIPTS_INTERVAL_SECONDS", default=60)
SMS_FILE_PATH = str(VAR_DIR / "sms")
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default=(
        "camau_portal.notifications.sms_backends.smpp.SmppSmsBackend"
        if SMS_SMPP_HOST
        else "camau_portal.notifications.sms_backends.filebased.FileSmsBackend"
    ),
)
if SMS_SMPP_HOST and SMS_DELIVERY_RECEIPTS:
    CELERY_BEAT_SCHEDULE["sms-delivery-receipts"] = {
        "task": "notifications.read_sms_receipts",
        "schedule": float(SMS_RECEIPTS_INTERVAL_SECONDS),
        "options": {"expires": float(SMS_RECEIPTS_INTERVAL_SECONDS)},
    }
# Published in the Open311 discovery document: where developers ask for an API key.
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="ioc@camau.gov.vn")
# A media_url on a private or loopback address is refused (it could reach internal services);
# only a closed test network switches this on.
OPEN311_MEDIA_PRIVATE_HOSTS = env.bool("OPEN311_MEDIA_PRIVATE_HOSTS", default=False)
# The intake centre's hotline and address, in every page's footer and on the error pages.
# No published number for Cà Mau's field reports is in the reference data (services/data/), so
# production must name it (camau_portal.checks); the demo shows 1022, the number Hồ Chí Minh
# City's service uses, as a placeholder.
DEMO_HOTLINE = "1022"
PORTAL_HOTLINE = env.str("PORTAL_HOTLINE", default="" if IS_PRODUCTION else DEMO_HOTLINE)
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="ioc@camau.gov.vn")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Province bounding box, a first cheap test before the commune check.
PROVINCE_BBOX = (8.50, 104.70, 9.70, 105.90)  # south, west, north, east

# The client's address (django-ipware, through camau_portal.client), for rate limits and
# sign-in lockouts. Only REMOTE_ADDR by default: any other header could be forged by the client.
# Behind a proxy, name first the header only the proxy sets, e.g. HTTP_X_REAL_IP,REMOTE_ADDR.
IPWARE_META_PRECEDENCE_ORDER = env.list("IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])

# Rate limits (django-ratelimit) and sign-in failures (django-axes) are kept in the database,
# not in Redis: they guard writes that need the database anyway, so a Redis outage can never
# turn a submission or a sign-in into an error. Table made by `manage.py migrate` (post_migrate).
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "portal_ratelimit",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "camau_portal.client.client_ip"
SILENCED_SYSTEM_CHECKS = [
    # The database cache increments by a read and a write: two requests of one client in the
    # same instant may count once. Acceptable for limits of a few per minutes, and it keeps
    # counting while Redis is down (django-ratelimit only trusts Redis and memcached).
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]
# Reports one client may send (the web form; Open311 keys have their own hourly allowance).
REPORT_SUBMIT_RATE = env.str("REPORT_SUBMIT_RATE", default="5/10m")
# Photos one client may upload (form posts that fail keep theirs for the corrected attempt).
PHOTO_UPLOAD_RATE = env.str("PHOTO_UPLOAD_RATE", default="60/h")
# "Me too" requests one client may send: each may email a confirmation link.
REPORT_FOLLOW_RATE = env.str("REPORT_FOLLOW_RATE", default="10/h")

# Sign-in lockouts (accounts.lockout): failures allowed within AXES_COOLOFF_TIME of the last one,
# for one account from one address, one account from anywhere, one address against any account.
LOGIN_FAILURE_LIMITS = [5, 20, 50]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS[0]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_HANDLER = "accounts.lockout.TieredLimitsDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.account_of"
AXES_CLIENT_IP_CALLABLE = "camau_portal.client.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged
# Failures only: no row (address, browser) for every successful sign-in, kept for ever.
AXES_DISABLE_ACCESS_LOG = True

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script or style anywhere; map tiles from OpenStreetMap; photos from our storage (add
# its origin, e.g. the object storage's, to CSP_PHOTO_SOURCES). Bootstrap's icons are data:
# URIs and photo previews before upload are blob: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [
            SELF,
            "data:",
            "blob:",
            "https://tile.openstreetmap.org",
            *env.list("CSP_PHOTO_SOURCES", default=[]),
        ],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A refused form (its security token missing or stale) gets the portal's own page.
CSRF_FAILURE_VIEW = "camau_portal.errors.csrf_failure"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes narrates every attempt at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}
