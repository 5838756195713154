"""Settings for the job site, configured from the environment.

Read top to bottom: what comes from the environment, then Django's settings, then
third-party ones. `.env.example` lists every variable. The defaults are safe for a local
checkout; with DJANGO_DEBUG off the site refuses to start without a secret key.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from jobsite.headers import static_file_headers
from jobsite.mediastorage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes a git-ignored .env with a generated secret; DJANGO_ENV_FILE points
# elsewhere (tests use it to start without one).
environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE", BASE_DIR / ".env"), overwrite=False)

# --- From the environment ------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site needs a secret key: "
            "set DJANGO_SECRET_KEY in the environment or in .env (`make run` generates one)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

HTTPS = env.bool("DJANGO_HTTPS", default=False)

# How many proxies stand in front of gunicorn and append to X-Forwarded-For (the TLS proxy
# is one). jobsite.clients.client_address trusts exactly that many entries from the right;
# with 0 the header is ignored, since any client can send it.
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXIES is a count of proxies: 0 or more.")

# The public origin (scheme, host and port, no path): every absolute URL the site writes
# (canonical links, JSON-LD, feeds, sitemap, robots, emails) is built from it, never from
# the request's Host header, which any client may set. `make run` derives it from PORT.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}

# The default cache is a table every process of the site reads, so that an edit served by
# one gunicorn worker is seen by the others at their next request (a per-process memory
# would keep a page cache and version of its own in each). On SQLite the table is in a file
# of its own beside the data (NAME + "-cache"), so cache writes never queue behind the
# site's; on PostgreSQL it is in the site's database, shared by every machine. Chosen over
# the file cache, which lists its whole directory on every set (21 ms at 20,000 entries
# against 0.3 ms), for a hit about 0.1 ms slower. Redis in production.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://public_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Django's, with a leaner read of a page hit's keys (jobsite/db_cache.py).
    CACHES["default"]["BACKEND"] = "jobsite.db_cache.DatabaseCache"
    _data = DATABASES["default"]
    if _data["ENGINE"] == "django.db.backends.sqlite3" and str(_data["NAME"]) != ":memory:":
        DATABASES["cache"] = {"ENGINE": _data["ENGINE"], "NAME": f"{_data['NAME']}-cache"}
        DATABASE_ROUTERS = ["jobsite.routers.CacheRouter"]
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, keeping one client per connection pool (jobsite/redis_cache.py).
    CACHES["default"]["BACKEND"] = "jobsite.redis_cache.RedisCache"
if not CACHES["default"]["BACKEND"].endswith(("RedisCache", "DummyCache")):
    # Django's default, 300, would cull popular pages; a page lives at most
    # PUBLIC_PAGE_CACHE_SECONDS, so this room is about 30 new pages a second.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
# Public pages for anonymous visitors are kept in that cache, invalidated on every edit
# (jobsite/caching.py); this bounds how long, in seconds. 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rolewise <jobs@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

POSTINGS_REQUIRE_REVIEW = env.bool("POSTINGS_REQUIRE_REVIEW", default=False)
# Postings from organisations that neither staff nor an owner's address at their website's
# domain have verified wait for staff review (postings/identity.py).
POSTINGS_REVIEW_UNVERIFIED = env.bool("POSTINGS_REVIEW_UNVERIFIED", default=True)

# Uploaded files (logos): on the filesystem under MEDIA_ROOT, served by the site itself; or,
# with MEDIA_S3_BUCKET set, in that S3-compatible bucket (jobsite/mediastorage.py).
# A relative path is within the checkout.
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE, MEDIA_ORIGIN = s3_storage(
        bucket=MEDIA_S3_BUCKET,
        endpoint_url=env.str("MEDIA_S3_ENDPOINT_URL", default=""),
        region=env.str("MEDIA_S3_REGION", default=""),
        public_domain=env.str("MEDIA_S3_PUBLIC_DOMAIN", default=""),
    )
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGIN = ""

# Files the task worker writes for every process to serve (the aggregator feed): beside a
# SQLite database by default, as the queue is. With several machines, a directory they all
# mount, or the machine that runs the periodic tasks serves /jobs/feed.xml.
_database_file = (
    Path(DATABASES["default"]["NAME"])
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and str(DATABASES["default"]["NAME"]) != ":memory:"
    else None
)
# Empty (as .env.example leaves them) means the default.
GENERATED_FILES_DIR = Path(
    env.str("GENERATED_FILES_DIR", default="")
    or (f"{_database_file}-files" if _database_file else BASE_DIR / "generated")
)

# The task queue (huey, below): a SQLite file beside the database by default, so that no
# service is needed; redis://host:6379/1 in production.
TASK_QUEUE_URL = env.str("TASK_QUEUE_URL", default="") or (
    f"sqlite:///{_database_file}-tasks" if _database_file else f"sqlite:///{BASE_DIR}/tasks.sqlite3"
)

# --- Django --------------------------------------------------------------------------

SITE_NAME = "Rolewise"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "reversion",
    "axes",
    "csp",
    # The task queue's worker: `manage.py run_huey` (jobsite/tasks.py).
    "huey.contrib.djhuey",
    "roles",
    "postings",
    # A job seeker's own pages and saved jobs; built on postings.
    "seekers",
    # Search alerts by email: builds on postings' search (alerts/).
    "alerts",
    # Last: what belongs to the whole site (page cache, Markdown, backups), used by both.
    "jobsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jobsite.middleware.security_headers",
    # Outside CommonMiddleware, so that its 400 for a Host header outside ALLOWED_HOSTS
    # carries these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jobsite.middleware.database_unavailable",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware (the Host header checked) and before the rest: a cached public
    # page for an anonymous visitor needs nothing below (jobsite/caching.py).
    "jobsite.caching.serve_cached_pages",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jobsite.urls"
WSGI_APPLICATION = "jobsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jobsite.context_processors.site",
            ],
        },
    },
]

for database in DATABASES.values():
    # Reuse connections across requests, and check them before use so that a database
    # restart costs one failed check rather than a failed request.
    database.setdefault("CONN_MAX_AGE", 60)
    database.setdefault("CONN_HEALTH_CHECKS", True)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                # Several gunicorn workers share the file: WAL lets readers run beside a
                # writer, IMMEDIATE makes writers queue instead of failing to upgrade a lock.
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000"
                ),
            }
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
LOGIN_URL = "login"
# Where a job seeker lands after logging in; a recruiter lands on their dashboard
# (postings.views.accounts.landing_url).
LOGIN_REDIRECT_URL = "seekers:my_jobs"
LOGOUT_REDIRECT_URL = "postings:home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# A logo may be this large; Django's own 2.5 MB keeps anything larger out of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security. X-Frame-Options, nosniff, Referrer-Policy and COOP come from Django's
# middleware; Permissions-Policy from jobsite.middleware; CSP from django-csp.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # TLS ends at the proxy in front of gunicorn, which must set this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The redirect to HTTPS goes to the public origin, never to the Host the client sent.
    SECURE_SSL_HOST = urlsplit(SITE_URL).netloc
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "filters": {"client_mistake": {"()": "jobsite.log_filters.ClientMistake"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A Host header outside ALLOWED_HOSTS is answered 400: the client's error, not ours.
        "django.security.DisallowedHost": {"filters": ["client_mistake"]},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The task worker's own lines, once (run_huey adds a handler of its own otherwise).
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# What browsers and a CDN are told about public pages: keep a page a minute, then ask
# again (a 304 when nothing changed), serving the old copy meanwhile for two more.
PUBLIC_PAGE_MAX_AGE = 60
PUBLIC_PAGE_STALE_WHILE_REVALIDATE = 120

# --- Third-party ---------------------------------------------------------------------

# django-csp: no inline script or style; JSON-LD data blocks are not executed, so they
# need no nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# whitenoise answers before the middleware: static files get their headers from here.
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

# django-axes: five failures for one username from one client address lock that pair for an
# hour; the same username from another address still logs in. The address comes from the one
# function that decides it (behind DJANGO_TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "jobsite.clients.client_address"

# huey, the task queue (jobsite/tasks.py): `manage.py run_huey` is the worker, which `make
# run` starts beside gunicorn and which also runs the periodic tasks. Tasks go through the
# storage TASK_QUEUE_URL names, which every process of the site and every worker shares.
_queue = urlsplit(TASK_QUEUE_URL)
if _queue.scheme == "sqlite":
    # sqlite:///relative/path or sqlite:////absolute/path, as DATABASE_URL reads them.
    _queue_storage: dict[str, object] = {
        "huey_class": "huey.SqliteHuey",
        "filename": _queue.path[1:],
    }
elif _queue.scheme in ("redis", "rediss"):
    _queue_storage = {"huey_class": "huey.RedisHuey", "url": TASK_QUEUE_URL}
else:
    raise ImproperlyConfigured(
        f"TASK_QUEUE_URL must be sqlite:///path or redis://host:port/db, not {TASK_QUEUE_URL!r}."
    )
HUEY = {
    "name": "rolewise",
    **_queue_storage,
    # Tasks run in the worker, never in the web process; tests switch to immediate mode.
    "immediate": False,
    # A task's return value is not kept: nothing waits for one.
    "results": False,
    "utc": True,
    "consumer": {
        "workers": 2,
        "worker_type": "thread",
        # Idle workers look for new tasks at least this often, in seconds.
        "max_delay": 1.0,
    },
}
