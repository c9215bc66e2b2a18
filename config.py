"""Settings for development, testing and production.

Every setting can be given as an environment variable with the prefix ``EXCHANGE_``
(``EXCHANGE_SECRET_KEY``, ``EXCHANGE_DATABASE_URL``, ``EXCHANGE_MAIL_BACKEND`` ...); the README
lists them all. Values are read as JSON where they parse as JSON (``EXCHANGE_SMTP_PORT=587``,
``EXCHANGE_SMTP_TLS=true``) and as plain strings otherwise.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


class Config:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    # A read replica of DATABASE_URL (PostgreSQL streaming replication): the reads listed in
    # exchange/site/replica_reads.py go there, every write to the primary (docs/production.md).
    DATABASE_REPLICA_URL: str | None = None
    # A replica that refuses or times out a connection (DB_CONNECT_TIMEOUT) leaves the reads on
    # the primary and is tried again after this many seconds; one that lags more than
    # REPLICA_MAX_LAG_SECONDS (measured every REPLICA_LAG_CHECK_SECONDS) too.
    REPLICA_RETRY_SECONDS = 30.0
    REPLICA_MAX_LAG_SECONDS = 30.0
    REPLICA_LAG_CHECK_SECONDS = 5.0
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A hung or stopped database (exchange/site/outage.py). PostgreSQL: seconds to connect
    # (libpq counts at least 2), the longest a statement may run and a lock may be waited for
    # inside the server, and TCP keepalives (idle seconds before the first probe).
    DB_CONNECT_TIMEOUT = 2
    DB_STATEMENT_TIMEOUT_MS = 30000
    DB_LOCK_TIMEOUT_MS = 10000
    DB_KEEPALIVES_IDLE = 30
    # In a web request, the longest one wait on the database (a statement, a commit, a ping)
    # before the request answers 503: well under gunicorn's worker timeout (30 s).
    DB_WAIT_TIMEOUT_SECONDS = 3.0
    DB_POOL_TIMEOUT = 3  # seconds to wait for a free connection of the pool
    DB_RETRY_SECONDS = 2.0  # while the database is away, how often each process asks again
    HEALTH_TIMEOUT_SECONDS = 1.0  # /healthz answers 503 when the database takes longer

    # Interface
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    PAGE_SIZE = 25
    # The market page counts its listings up to this many, then says "more than".
    MARKET_COUNT_CAP = 1000
    # Visitors' pages (/, /pasar, /pasar/<id>) kept rendered per worker process until the
    # market changes (exchange/listings/caching.py): on/off, most pages, most bytes of bodies.
    PAGE_CACHE_ENABLED = True
    PAGE_CACHE_ENTRIES = 500
    PAGE_CACHE_BYTES = 16 * 1024 * 1024
    # The JSON API: requests per token per window (seconds); RateLimit headers tell the rest.
    API_RATE_LIMIT = 120
    API_RATE_WINDOW = 60

    # Sessions and the remember-me cookie
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    # Accounts
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost (n=32768)
    LOGIN_MAX_FAILURES = 5  # tries on one account from one client, then that client waits
    LOGIN_LOCKOUT_MINUTES = 15  # ... out this window (a password reset lifts it)
    # sign-in tries from one client address, whatever the accounts (a mobile carrier's NAT puts
    # many phones behind one address: per account and client it is still 5) ...
    LOGIN_CLIENT_MAX_ATTEMPTS = 300
    LOGIN_CLIENT_WINDOW_MINUTES = 15  # ... in this window, then 429
    PASSWORD_RESET_HOURS = 2
    # An imported manager's one-time link to choose a password (re-sendable by staff)
    INVITATION_DAYS = 14
    RESET_CLIENT_MAX_PER_HOUR = 10  # forgot-password requests from one client, then 429
    RESET_ADDRESS_MAX_PER_HOUR = 3  # e-mails to one address; past it the page answers the same
    REGISTER_CLIENT_MAX_PER_HOUR = 10  # registrations tried from one client, then 429

    # E-mail: "files" writes .eml files under instance/outbox/, "smtp" talks to a server
    MAIL_BACKEND = "files"
    MAIL_FROM = "Bursa Pesantren <noreply@bursa-pesantren.local>"
    MAIL_FILE_DIR = str(INSTANCE / "outbox")
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_TLS = False  # STARTTLS after connecting
    SMTP_SSL = False  # implicit TLS (port 465)
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_TIMEOUT = 20
    # the address links in e-mails point to
    BASE_URL = "http://127.0.0.1:5000"
    # At most this many active listings per pesantren (pages, API, spreadsheets alike)
    MAX_ACTIVE_LISTINGS = 500
    # Webhooks (docs/api.md): an attempt's timeout, how long a delivery is retried, and
    # whether receivers on 127.0.0.1 are allowed (tests only: production refuses loopback,
    # private and link-local addresses)
    WEBHOOK_TIMEOUT = 5
    WEBHOOK_RETRY_HOURS = 24
    WEBHOOK_ALLOW_LOOPBACK = False
    # The API document's info.contact e-mail (its docs page is always given); empty: none
    API_CONTACT_EMAIL = ""
    # WhatsApp Business Cloud API (README "WhatsApp messages"): with the base URL, the phone
    # number id and the token set the channel is on; without them e-mail carries everything.
    WHATSAPP_API_BASE = ""  # e.g. https://graph.facebook.com/v21.0
    WHATSAPP_PHONE_NUMBER_ID = ""
    WHATSAPP_TOKEN = ""
    WHATSAPP_APP_SECRET = ""  # signs the webhook's POSTs (X-Hub-Signature-256)
    WHATSAPP_VERIFY_TOKEN = ""  # the webhook subscription handshake (hub.verify_token)
    WHATSAPP_TIMEOUT = 10  # seconds per API request

    # Clearing and kliring runs as background jobs (docs/jobs.md): who runs their tasks
    # ("thread": this process, no extra service; "worker": `flask --app wsgi exchange worker`
    # processes on one or many machines, PostgreSQL only; "inline": the caller, before the
    # start returns), how long a task's worker may be silent before another takes the task
    # over, and how often an idle worker looks for work in any case (on PostgreSQL it wakes at
    # once on new work: LISTEN/NOTIFY, docs/jobs.md).
    JOB_QUEUE = "thread"
    JOB_LEASE_SECONDS = 60
    JOB_POLL_SECONDS = 1.0

    # Deals and matching
    NEGOTIATION_EXPIRY_DAYS = 3
    ROAD_FACTOR = 1.3

    # Angkutan bersama (docs/freight.md): vehicle classes with their payload, rate per km and
    # the source of the figure (DOMAIN.md 4.3; rates [E]); a fixed cost per stop; trips in one
    # day between these hours (WIB) at this average speed; OR-tools' limit per planning run.
    FREIGHT_VEHICLES = [
        {"code": "pickup", "capacity_kg": 1000, "rate_per_km": 4500,
         "source": "DOMAIN.md 4.3 [E]: pickup 0,5-1,5 t; +21% Aptrindo Sep 2022"},
        {"code": "engkel", "capacity_kg": 2500, "rate_per_km": 6500,
         "source": "DOMAIN.md 4.3 [E]: engkel CDE 2,5-3,5 t; +23% Aptrindo Sep 2022"},
        {"code": "truk", "capacity_kg": 8000, "rate_per_km": 10000,
         "source": "DOMAIN.md 4.3 [R]: wingbox Rp 8.100/km (2015) +25% Aptrindo Sep 2022"},
    ]  # fmt: skip
    FREIGHT_STOP_COST = 100_000  # loading and waiting per stop (DOMAIN.md 4.3 [E])
    FREIGHT_SPEED_KMH = 45
    FREIGHT_SERVICE_MINUTES = 45  # loading or unloading at a stop
    FREIGHT_HOURS = ["06:00", "20:00"]  # when stops load and unload
    FREIGHT_TIME_LIMIT_SECONDS = 30
    # kg of one trade unit ([E]; a unit not listed is not planned): exchange/freight/costs.py
    FREIGHT_KG_PER_UNIT: dict = {}
    FREIGHT_CRON = "30 1 * * *"  # daily, after the nightly clearing run (01:00 WIB)

    # Scheduler
    SCHEDULER_ENABLED = False
    SCHEDULER_TIMEZONE = "Asia/Jakarta"
    CLEARING_CRON = "0 1 * * *"
    # Digests (Ringkasan): hour of day (WIB); the weekly one goes out on this day at that hour
    DIGEST_DAILY_HOUR = 6
    DIGEST_WEEKLY_DAY = "mon"
    DIGEST_EXPIRING_DAYS = 7  # "your listings that expire soon": within this many days
    DIGEST_BATCH_SIZE = 500  # readers per transaction in a digest run
    EXPIRY_CRON = "5 * * * *"  # listings and unanswered negotiation moves, hourly
    REMINDERS_CRON = "0 7 * * *"  # deals waiting on someone, daily
    NETTING_CRON = "0 2 * * mon"  # the weekly netting run (kliring), Monday 02:00 WIB
    # PPN shown on contracts of a PKP seller for goods that are not exempt (deals/tax.py):
    # 12% x DPP 11/12 (UU 7/2021 HPP jo. PMK 131/2024) = 11% in effect
    PPN_RATE_PERCENT = 11
    NETTING_ANSWER_HOURS = 72  # kliring: answer within this; silence then counts as declining
    OUTBOX_INTERVAL_SECONDS = 15  # deliver due mail this often (never inside a request)
    OUTBOX_CLAIM_SECONDS = 120  # a sender's claim on a message; longer than one SMTP send
    OUTBOX_SENDERS = 4  # sender threads of one delivery run, each with its SMTP connection
    SCHEDULER_LEASE_SECONDS = 60  # SQLite lease; renewed every third of it
    SCHEDULER_CATCH_UP_DELAY_SECONDS = 60  # missed digest runs are caught up this long after start

    # /metrics (Prometheus): staff signed in, or this bearer token (a Prometheus server's
    # scrape); anyone else gets 404. Empty: staff only. docs/production.md "Metrics".
    METRICS_TOKEN = ""
    # The scheduler process serves its own /metrics (job durations) on this port; 0: not served.
    SCHEDULER_METRICS_PORT = 0
    SCHEDULER_METRICS_ADDRESS = "127.0.0.1"

    # Set (EXCHANGE_PROXY_FIX=1) when a reverse proxy sets X-Forwarded-For/-Proto/-Host
    PROXY_FIX = False

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; phones keep forms open


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - development only
    DATABASE_URL = f"sqlite:///{INSTANCE / 'exchange.sqlite3'}"
    SCHEDULER_ENABLED = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"  # noqa: S105 - tests only
    DATABASE_URL = "sqlite://"
    PASSWORD_MIN_LENGTH = 10
    # Still scrypt, at a cost that keeps hundreds of test accounts fast; never in production.
    PASSWORD_HASH_METHOD = "scrypt:2048:8:1"
    SERVER_NAME = None
    # Every test client is 127.0.0.1: per-client limits would add up across a test's many
    # sign-ins. The tests of the limits set the production values themselves.
    LOGIN_CLIENT_MAX_ATTEMPTS = 100_000
    RESET_CLIENT_MAX_PER_HOUR = 100_000
    REGISTER_CLIENT_MAX_PER_HOUR = 100_000
    API_RATE_LIMIT = 100_000  # the rate-limit tests set a small one themselves
    # A busy shared test machine: a database wait is cut late (the outage tests set their own).
    DB_WAIT_TIMEOUT_SECONDS = 30.0
    # Off: most tests look at pages right after writing through paths of their own; the
    # cache's tests (tests/listings/test_page_cache.py) switch it on.
    PAGE_CACHE_ENABLED = False
    # Runs started from pages and jobs finish before the start returns (the tests of the
    # background flow set "thread" or "worker" themselves).
    JOB_QUEUE = "inline"
    JOB_POLL_SECONDS = 0.05


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_name() -> str:
    return os.environ.get("EXCHANGE_ENV", "development")
