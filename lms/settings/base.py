"""Settings shared by every environment; values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("MASAR_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Printed on certificates, QR codes, CSV rows and share links: by default the address `make run`
# serves on (PORT, 8000 unless told otherwise).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")

INSTALLED_APPS = [
    "core",
    "accounts",
    "courses",
    "quizzes",
    "interviews",
    "certificates",
    "hr",
    "content",  # above every domain app: load_content writes their rows and pages
    "lms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.table_block",
    "wagtail.contrib.search_promotions",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.wagtail_apps.WagtailUsersConfig",  # wagtail.users with Masar's two names in its user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Times in the reader's time zone (the browser's, from a cookie; core/middleware.py).
    "core.middleware.TimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages without a language in their URL: ?lang=, the cookie, then the preferred language.
    "accounts.middleware.LanguageChoiceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's middleware; the admins alone may run inline scripts (see core/middleware.py).
    "core.middleware.ContentSecurityPolicyMiddleware",
    # A lost database connection gets a translated 503 page, not a 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.context_processors.masar",
            ],
        },
    },
]

# The folders the processes write to, created when Django starts (lms/apps.py), not when
# settings are imported: importing settings writes nothing.
MASAR_FOLDERS = [VAR_DIR]

# Database: SQLite under var/ by default; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'masar.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web processes and the Celery worker write at once: WAL, a busy timeout and
    # IMMEDIATE transactions keep "database is locked" away.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # ModelBackend that also fetches the user's cached entries
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Log-in lockout (accounts/lockout.py): a (username, client IP) pair is locked after
# AXES_FAILURE_LIMIT failures, and a success resets that pair only; a client IP is locked after
# LOGIN_IP_FAILURE_LIMIT failures of any usernames (credential stuffing), never reset by a success.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# The client IP (accounts/client_ip.py, for the lockout and the throttles) is REMOTE_ADDR unless
# TRUSTED_PROXY_HEADER names the header our own proxies set (e.g. HTTP_X_FORWARDED_FOR), with
# TRUSTED_PROXY_COUNT proxies in front of Django. Never trusted by default: clients forge headers.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Throttles (accounts/throttles.py), counted in the shared cache: (events, seconds) per value.
MASAR_THROTTLES = {
    "password_reset_email": (env.int("PASSWORD_RESET_PER_EMAIL", default=3), 3600),  # mails to one address
    "password_reset_ip": (env.int("PASSWORD_RESET_PER_IP", default=20), 3600),  # requests from one client IP
    "join_code_ip": (env.int("JOIN_CODE_FAILURES_PER_IP", default=10), 900),  # wrong organization codes
    "verify_ip": (env.int("VERIFY_CHECKS_PER_IP", default=30), 600),  # credentials and PDFs checked on /verify/
}

# Languages: Arabic and English are peers.
LANGUAGE_CODE = "en"
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# A small training team: editors publish directly (the Editors group has the publish permission,
# interviews/migrations/0007); no approval workflow sits between an editor and the trainees.
WAGTAIL_WORKFLOW_ENABLED = False

# Static files: WhiteNoise, hashed names (CompressedManifestStaticFilesStorage below) served
# with a year-long cache. The web fonts are WOFF2 subsets in lms/static/fonts, built from
# their PyPI packages by `manage.py build_fonts` (no CDN); the PDFs read the full TTFs.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "lms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Certificates and exports: never under a public URL; served by views that check access.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Masar"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt"]
# No SVG from the admin: an SVG can carry script when opened on its own. The lesson pictures and
# course covers that are SVG come from content/<lang>/media/ through load_content, which checks them.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# "shared" is the cache every web process and worker sees (core/caching.py lists what it holds):
# a folder under var/ by default, SHARED_CACHE_URL or else CACHE_URL (Redis) in production;
# SHARED_CACHE_SECONDS bounds the life of an entry.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://masar"),
    "shared": env.cache("SHARED_CACHE_URL", default=env.str("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")),
}
MASAR_SHARED_CACHE_SECONDS = env.int("SHARED_CACHE_SECONDS", default=600)
# Cache layers switched off, comma-separated (core/caching.py names them: anonymous-pages, routes,
# fragments, course-structures, translation-links, view-restrictions, progress, signed-in-user,
# header, memory, redis-client). Pages are the same with any of them off, only slower;
# bench/pages.py --without LAYER measures what one saves.
MASAR_CACHE_LAYERS_OFF = env.list("CACHE_LAYERS_OFF", default=[])
if "redis-client" not in MASAR_CACHE_LAYERS_OFF:
    for _cache in CACHES.values():
        if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
            _cache["BACKEND"] = "core.caching.RedisCache"  # one Redis client per pool, not one per operation
if env.str("CACHE_URL", default=""):
    # A cache shared by every process: sessions are read from it and written through to the
    # database. (A per-process cache would keep a session alive in one process after logout.)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Only bench/pages.py sets MASAR_BENCH: it mounts a constant view at /bench/bare to compare pages with.
MASAR_BENCH = env.bool("MASAR_BENCH", default=False)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The folder of django.core.mail.backends.filebased.EmailBackend, one file per connection (the
# browser tests read the emails their Celery worker sends there).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "emails"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Masar <no-reply@masar.local>")
# SMTP, when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend (README: Email).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=None)
# How long the link of an HR invitation signs someone up (accounts.services.invitations_create).
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)

# Printed on every certificate (certificates/pdf.py): who issues it and who signs it, per language.
CERTIFICATE_ISSUER = {
    "en": env.str("CERTIFICATE_ISSUER_EN", default="Masar"),
    "ar": env.str("CERTIFICATE_ISSUER_AR", default="مسار"),
}
CERTIFICATE_SIGNATORY_NAME = {
    "en": env.str("CERTIFICATE_SIGNATORY_NAME_EN", default="Masar training team"),
    "ar": env.str("CERTIFICATE_SIGNATORY_NAME_AR", default="فريق التدريب في مسار"),
}
CERTIFICATE_SIGNATORY_TITLE = {
    "en": env.str("CERTIFICATE_SIGNATORY_TITLE_EN", default="Training and certification"),
    "ar": env.str("CERTIFICATE_SIGNATORY_TITLE_AR", default="التدريب ومنح الشهادات"),
}
# The Ed25519 key that signs credentials and PDFs (certificates/keys.py): the PEM itself, or a file;
# else CREDENTIAL_KEYS_DIR/current.pem, which `make run` writes on first start. Retired public keys
# (`manage.py credential_keys rotate`) live in CREDENTIAL_KEYS_DIR/retired/ and stay verifiable.
CREDENTIAL_KEY_PEM = env.str("CREDENTIAL_KEY_PEM", default="")
CREDENTIAL_KEY_FILE = env.str("CREDENTIAL_KEY_FILE", default="")
CREDENTIAL_KEYS_DIR = env.str("CREDENTIAL_KEYS_DIR", default=str(VAR_DIR / "keys"))

# Celery: kombu's filesystem broker under var/ by default; CELERY_BROKER_URL for Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    MASAR_FOLDERS += [BROKER_DIR / sub for sub in ("out", "processed", "control")]
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The transport polls its folder; 1 s (the default) caps throughput at a task a second.
        "polling_interval": 0.1,
    }
else:
    # Well above the hard time limit of any task, so a slow task is never run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="masar")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Mondays 06:00 (TIME_ZONE): each trainee who opted in gets the list of interview drills due.
    "interviews-drills-due-email": {
        "task": "interviews.tasks.drills_due_emails",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "certificates-sweep": {"task": "certificates.tasks.certificates_sweep", "schedule": crontab(minute="*/2")},
    "hr-exports-sweep": {"task": "hr.tasks.exports_sweep", "schedule": crontab(minute="*/5")},
    # Every day 07:00: trainees' reminders of assigned courses (3 days before, 1 and 7 days after
    # the due date); Mondays 07:30: each HR member's digest. Each email is claimed once in the
    # database (hr.models.Reminder, hr.models.Digest), so a second run sends nothing again.
    "hr-assignment-reminders": {
        "task": "hr.tasks.assignment_reminders_send",
        "schedule": crontab(minute=0, hour=7),
    },
    "hr-assignment-digests": {
        "task": "hr.tasks.assignment_digests_send",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
    # Each trainee's own FSRS parameters, fitted to their review log (interviews/scheduling.py).
    "interviews-parameters-refit": {"task": "interviews.tasks.parameters_refit", "schedule": crontab(minute=17)},
}

# Content security policy (django-csp): same origin only, nothing from a CDN (pages work offline).
# - script-src 'self': Masar's templates have no inline <script> and no on* handlers (their JS is
#   in static files). The Wagtail and Django admins still write a few inline scripts (InlinePanel,
#   date widgets): core.middleware.ContentSecurityPolicyMiddleware adds 'unsafe-inline' under
#   /admin/ and /django-admin/ only.
# - style-src 'unsafe-inline': style="" attributes carry the widths of progress bars and charts,
#   and the Wagtail admin sets inline styles from its JS.
# - img-src data: blob:: the Wagtail admin's stylesheet has data: images, and its image upload
#   previews are blob: URLs.
# - frame-src/frame-ancestors 'self' (not 'none'): Wagtail's live preview shows the page in a
#   same-origin frame.
# - No 'unsafe-eval' anywhere, no other host, object-src 'none', base-uri and form-action 'self'.
# Checked in Chromium: tests/security/test_csp_browser.py (the admin's edit views and our pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The admin would otherwise load avatars from gravatar.com and check releases.wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

MASAR_DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="masar-demo")
LANGUAGE_NAMES = {"ar": _("Arabic"), "en": _("English")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "masar": {"level": "INFO", "handlers": ["console"], "propagate": False},
        # A request with a Host header not in ALLOWED_HOSTS gets the 400 page; anyone can send
        # one, so it is not logged with a traceback (that would let strangers flood the logs).
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}
