"""Settings shared by every mode. Everything that differs between machines comes from the environment."""

from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local runtime data: SQLite file, broker folder, uploads, e-mails

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="local-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "accounts",
    "marketplace",
    "qa_scoring",
    "qa_ops",
    "vetting",
    "timesheets",
    "billing",
    "cms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.timezones.ViewerTimezoneMiddleware",  # every page in the viewer's zone, named next to each time
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.refused_forms.RefusedFormMiddleware",  # a refused form shows as 200 + X-Form-Refused to browsers
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "accounts.middleware.CurrentOrganizationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.navigation.navigation",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ may override a widget's template (templates/wagtailadmin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: SQLite file by default, PostgreSQL (or anything Django supports) via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shiftdesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the local worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: a real cache is required for allauth's rate limits. Local memory by default, Redis via CACHE_URL.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://shiftdesk")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- allauth: e-mail login, mandatory verification, TOTP MFA.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.signup.SignupForm"  # seller or freelancer or invited member
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Shiftdesk] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)  # proxies in front of Django
ACCOUNT_ADAPTER = "accounts.login_limits.AccountAdapter"  # failed logins counted per account *and* client
# Rate limits (kept in the cache): "<count>/<period>/<ip|key|user>", several separated by commas.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),  # login form posts per client
    # Failed logins per client, and per account from one client: that client is stopped, others are not.
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    # Failed logins per account from all clients together: stops an attack spread over many addresses. Above
    # what one client can reach (5 per 5 minutes = 60 an hour), so no single client can lock an account.
    "login_failed_account": env.str("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", default="100/h/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Shiftdesk"
MFA_TOTP_TOLERANCE = 1  # also accept the previous 30-second code (RFC 6238 §5.2: one step of delay or drift)
# Platform staff groups; members must have TOTP enabled before they can use anything else.
PLATFORM_STAFF_GROUPS = ("vetting", "qa", "ops")

# --- E-mail: printed to the console locally, SMTP via EMAIL_URL in production.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Shiftdesk <no-reply@shiftdesk.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security headers that hold in every mode. No inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- REST API.
REST_FRAMEWORK = {
    # JSON bodies are bounded (size, nesting, text length, number of values) before they are parsed.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "config.api_inputs.BoundedFilterBackend",  # filterset_fields get bounded numbers and dates too
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Budgets per API key and per signed-in person (accounts/throttles.py); 429 + Retry-After beyond them.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.ClientRateThrottle", "accounts.throttles.ScopedClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("THROTTLE_API_KEY", default="3000/hour"),  # every request made with one API key
        "user": env.str("THROTTLE_USER", default="2000/hour"),  # every API request of one signed-in person
        # Conversation imports (POST /api/conversations/import/ and the upload page), per key or person.
        "conversation_import": env.str("THROTTLE_CONVERSATION_IMPORT", default="60/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Services' ValidationError → field-keyed 400, PermissionDenied → 403, wherever they escape a view.
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shiftdesk API",
    "DESCRIPTION": "Vetted support freelancers for e-commerce sellers. Authenticate with a session or an "
    "organization API key: `Authorization: Api-Key <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its 400/401/403/404 error bodies (config/api_errors.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_errors.document_error_responses",
    ],
}

# --- Celery. The local default broker is a folder on disk, so background work needs no other service.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    for _folder in ("broker", "broker-control"):
        (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None  # tasks record their outcome in the database, not in a result store
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 15 * 60  # hard kill
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60  # raises SoftTimeLimitExceeded inside the task first
CELERY_TASK_ACKS_LATE = True  # a crashed task is redelivered...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...including when its child process is killed
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_RETRY_DELAY = 30
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule lives in code (config/celery.py: BEAT_SCHEDULE) so it is reviewed like code.

# --- Platform business settings (documented in the README).
PLATFORM_FEE_RATE = Decimal(env.str("PLATFORM_FEE_RATE", default="0.20"))  # bill rate = pay rate × (1 + fee)
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # absolute links in e-mails

# --- Wagtail (SOP playbooks; see cms/).
WAGTAIL_SITE_NAME = "Shiftdesk"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to gravatar.com (the CSP allows images from us only)

# --- timesheets
TIMESHEETS_REVIEW_WINDOW_DAYS = env.int("TIMESHEETS_REVIEW_WINDOW_DAYS", default=5)  # submitted → auto-approved after
TIMESHEETS_SUBMIT_REMINDER_HOURS = env.int("TIMESHEETS_SUBMIT_REMINDER_HOURS", default=24)  # before week end
TIMESHEETS_APPROVE_REMINDER_HOURS = env.int("TIMESHEETS_APPROVE_REMINDER_HOURS", default=24)  # before auto-approve
TIMESHEETS_LATE_GRACE_MINUTES = env.int("TIMESHEETS_LATE_GRACE_MINUTES", default=10)  # later clock-in = late start

# --- vetting
# Pass mark (0–100) per scored stage; below it the stage fails and the application goes to the decision.
VETTING_PASS_MARKS = {"profile_screen": 60, "assessment": 80, "interview": 70, "checks": 100}
# Vetting score = Σ(weight × stage score) / Σ weight over the four scored stages.
VETTING_WEIGHTS = {"profile_screen": 10, "assessment": 50, "interview": 30, "checks": 10}
VETTING_MIN_HOURS_PER_WEEK = env.int("VETTING_MIN_HOURS_PER_WEEK", default=20)  # profile screen: weekly hours at least
VETTING_RATE_MIN = Decimal(env.str("VETTING_RATE_MIN", default="4.00"))  # profile screen: lowest hourly rate (USD)
VETTING_RATE_MAX = Decimal(env.str("VETTING_RATE_MAX", default="60.00"))  # profile screen: highest hourly rate (USD)
VETTING_MIN_LANGUAGE_LEVEL = "B2"  # profile screen: at least one language at this CEFR level or above
VETTING_ASSESSMENT_SCENARIOS = 3  # scenarios drawn per candidate
VETTING_ASSESSMENT_MINUTES = 90  # time limit of the one assessment attempt
VETTING_REAPPLY_DAYS = 90  # default wait after a rejection

# --- billing (invoices, Stripe, payouts, bonuses; see README "Billing").
BILLING_GATEWAY = env("BILLING_GATEWAY", default="auto")  # auto = stripe when STRIPE_SECRET_KEY is set, else manual
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")  # sk_… ; empty → manual gateway
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")  # pk_… for Stripe.js on the card page
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")  # whsec_… verifies /billing/stripe/webhook/
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")  # e.g. a localstripe URL; empty = api.stripe.com
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)  # seconds a signature stays valid
# Hours to wait before retrying after the 1st, 2nd, 3rd failed charge; no retry after the last.
BILLING_RETRY_SCHEDULE_HOURS = [int(h) for h in env.list("BILLING_RETRY_SCHEDULE_HOURS", default=["24", "72", "120"])]
BILLING_PAUSE_AFTER_FAILURES = env.int("BILLING_PAUSE_AFTER_FAILURES", default=3)  # failed charges in a row → pause
# Shown to sellers on the manual gateway (bank transfer): account holder, bank, IBAN/account number, BIC/SWIFT.
# One line each, separated by ";" in the environment.
BILLING_BANK_DETAILS = [
    line.strip()
    for line in env.str(
        "BILLING_BANK_DETAILS", default="Account holder: Shiftdesk Ltd;IBAN: GB00 TEST 0000 0000 0000 00;BIC: TESTGB2L"
    ).split(";")
    if line.strip()
]
BILLING_PAYMENT_TERMS_DAYS = env.int("BILLING_PAYMENT_TERMS_DAYS", default=7)  # days from issue to due date

# --- marketplace (matching and offers; see README "Marketplace and matching")
MATCHING_WEIGHTS = {  # integer points per signal, must sum to 100; each signal scores 0–100 %
    "skills": 30,  # required skills (count twice) and nice-to-have skills the freelancer has
    "overlap": 25,  # share of the job's coverage quarter-hours (UTC, real week, DST-aware) the freelancer covers
    "rate": 10,  # 100 % at or below the job's rate floor, 50 % at its ceiling, linear between
    "quality": 15,  # live IQS over the last 90 days, else the vetting score
    "reliability": 8,  # on-time timesheets, schedule adherence, contracts completed (fed by timesheets)
    "experience": 7,  # the job's channels and tools the freelancer knows
    "hours": 5,  # remaining weekly hours (after active contracts) against the job's hours
}
MATCHING_DEFAULT_RELIABILITY = env.int("MATCHING_DEFAULT_RELIABILITY", default=50)  # 0–100 assumed with no history
# Hard filter: a freelancer's remaining weekly hours must reach this % of the job's hours.
MATCHING_MIN_HOURS_PERCENT = env.int("MATCHING_MIN_HOURS_PERCENT", default=50)
# Candidates kept in each job's materialized ranking head; pages within it are served without scanning profiles.
MATCHING_HEAD_SIZE = env.int("MATCHING_HEAD_SIZE", default=200)
OFFER_TTL_DAYS = env.int("OFFER_TTL_DAYS", default=7)  # pending offers expire after this many days
PROFILE_PHOTO_MAX_BYTES = env.int("PROFILE_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)  # upload limit for profile photos

# --- qa_scoring
QA_IMPORT_MAX_BYTES = env.int("QA_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)  # larger uploads are refused whole
QA_IMPORT_SYNC_MAX_BYTES = env.int("QA_IMPORT_SYNC_MAX_BYTES", default=2 * 1024 * 1024)  # API: above → background job
# Every import parser's bounds (qa_scoring/importers/limits.py); past one the file or record is refused by name.
QA_IMPORT_MAX_RECORDS = env.int("QA_IMPORT_MAX_RECORDS", default=1_000_000)  # records / conversations per file
QA_IMPORT_MAX_RECORD_BYTES = env.int("QA_IMPORT_MAX_RECORD_BYTES", default=16 * 1024 * 1024)  # one record or line
QA_IMPORT_MAX_DEPTH = env.int("QA_IMPORT_MAX_DEPTH", default=64)  # JSON nesting
QA_IMPORT_MAX_FIELD_BYTES = env.int("QA_IMPORT_MAX_FIELD_BYTES", default=1024 * 1024)  # one JSON text value / CSV cell
QA_IMPORT_CSV_MAX_COLUMNS = env.int("QA_IMPORT_CSV_MAX_COLUMNS", default=100)
QA_IMPORT_CSV_MAX_ROWS = env.int("QA_IMPORT_CSV_MAX_ROWS", default=5_000_000)
QA_IMPORT_HTML_MAX_CHARS = env.int("QA_IMPORT_HTML_MAX_CHARS", default=1_000_000)  # one HTML body, before reduction
QA_IMPORT_HTML_MAX_DEPTH = env.int("QA_IMPORT_HTML_MAX_DEPTH", default=256)  # HTML element nesting
QA_IMPORT_MAX_MESSAGE_CHARS = env.int("QA_IMPORT_MAX_MESSAGE_CHARS", default=100_000)  # one message's text
# --- every JSON request body of the API (config/parsers.py)
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
API_JSON_MAX_ITEMS = env.int("API_JSON_MAX_ITEMS", default=10_000)  # values (array items + object members)
API_JSON_MAX_STRING_BYTES = env.int("API_JSON_MAX_STRING_BYTES", default=100 * 1024)
QA_DISPUTE_WINDOW_DAYS = env.int("QA_DISPUTE_WINDOW_DAYS", default=7)  # days after submission to dispute a review
QA_AFTER_IMPORT_TASKS = ["qa_ops.tasks.autoqa_for_import_job"]  # enqueued with the job id when an import finishes
# May the original reviewer resolve a dispute of their own review? By default another reviewer must.
QA_DISPUTE_ORIGINAL_REVIEWER_MAY_RESOLVE = env.bool("QA_DISPUTE_ORIGINAL_REVIEWER_MAY_RESOLVE", default=False)

# --- cms (SOP playbooks in Wagtail; extends the Wagtail block above).
WAGTAILADMIN_LOGIN_URL = "account_login"  # the Wagtail admin logs in through allauth (MFA, rate limits)
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords are managed by allauth, not the Wagtail admin
WAGTAIL_PASSWORD_RESET_ENABLED = False  # likewise password resets
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}  # PostgreSQL FTS on PG
WAGTAILADMIN_COMMENTS_ENABLED = False  # editors discuss in the moderation workflow instead
SOP_REVIEW_INTERVAL_DAYS = env.int("SOP_REVIEW_INTERVAL_DAYS", default=90)  # re-verifying sets review-by to today + N
# The Wagtail admin's internal API is left out of our OpenAPI schema.
SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = ["cms.schema.exclude_wagtail_admin_api"]

# --- qa_ops (sampling, AutoQA suggestions, calibration, dashboards; see README "QA at scale")
QA_OPS_AUTOQA_SWEEP_BATCH = env.int("QA_OPS_AUTOQA_SWEEP_BATCH", default=500)  # conversations per AutoQA sweep
QA_OPS_DASHBOARD_WEEKS = env.int("QA_OPS_DASHBOARD_WEEKS", default=12)  # default dashboard period, in weeks
ORGANIZATION_CHANGED_TASKS = ["cms.tasks.playbook_space_sync"]  # enqueued with the org id after org/membership changes
