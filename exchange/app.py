"""The app factory: configuration, extensions, every domain's blueprints and commands."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS
from config import config_name as default_name
from exchange import extensions as ext
from exchange import hooks
from exchange.auth.loader import init_login
from exchange.auth.policy import Role
from exchange.blueprints import BLUEPRINTS
from exchange.catalogue.policy import register_grades_in_use
from exchange.cli import cli
from exchange.deals import holds as deal_holds
from exchange.deals.policy import Side, State
from exchange.errors import register_error_handlers
from exchange.i18n import register_formatting, select_locale
from exchange.jobs import registry as job_registry
from exchange.jobs.policy import JobKind
from exchange.listings import queries as listing_queries
from exchange.listings.models import ListingStatus
from exchange.listings.models import Side as ListingSide
from exchange.matching import services as matching_services
from exchange.matching.models import ProposalStatus
from exchange.metrics import sources as metric_sources
from exchange.metrics.instruments import register_gauge
from exchange.metrics.views import init_request_metrics
from exchange.models import import_all_models
from exchange.netting import job as netting_job
from exchange.pesantren.models import PesantrenStatus
from exchange.pools import holds as pool_holds
from exchange.privacy.models import RequestStatus
from exchange.routing import REPLICA
from exchange.scheduler import gauges as scheduler_gauges
from exchange.site import replica_health
from exchange.site.accesslog import init_access_log
from exchange.site.form_messages import init_form_messages
from exchange.site.guards import init_guards
from exchange.site.headers import init_headers
from exchange.site.nav import register_nav
from exchange.site.outage import init_outage
from exchange.site.replica_reads import init_replica_reads
from exchange.site.static_cache import init_static_cache


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object(CONFIGS[config_name or default_name()])
    app.config.from_prefixed_env("EXCHANGE")
    app.config.update(overrides)
    _finish_config(app)
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy: trust its X-Forwarded-For/-Proto/-Host (secure cookies, links).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    import_all_models()  # the metadata is complete before the first query
    hooks.install()  # the market version and the contract facts follow every commit
    ext.db.init_app(app)
    init_outage(
        app
    )  # first before_request; its teardown ends the session before Flask-SQLAlchemy's
    ext.migrate.init_app(app, ext.db, directory=os.path.join(app.root_path, "..", "migrations"))
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=select_locale)
    init_login(app)
    register_formatting(app)
    register_nav(app)
    init_form_messages(app)
    register_error_handlers(app)
    init_headers(app)
    init_static_cache(app)
    init_guards(app)
    init_access_log()
    init_request_metrics(app)
    _register_vocabulary(app)
    _register_policies()
    _register_blueprints(app)
    init_replica_reads(app)  # wraps listed views: after the blueprints
    _register_cli(app)
    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY") or not app.config.get("DATABASE_URL"):
        raise RuntimeError(
            "EXCHANGE_SECRET_KEY and EXCHANGE_DATABASE_URL must be set "
            f"(configuration {app.config['ENV_NAME']!r})"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["ENV_NAME"] == "development":
        # A fresh clone has no instance/ folder yet: the default SQLite file and outbox live there.
        url = make_url(app.config["DATABASE_URL"])
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            os.makedirs(os.path.dirname(os.path.abspath(url.database)), exist_ok=True)
    base = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app, app.config["DATABASE_URL"], base)
    replica = app.config.get("DATABASE_REPLICA_URL")
    if replica:
        # The read replica (exchange/routing.py): the same limits, for its own dialect.
        # A pooled connection is pinged when taken: a replica gone since is seen before the view.
        options = _engine_options(app, replica, {"pool_pre_ping": True})
        app.config["SQLALCHEMY_BINDS"] = {REPLICA: {"url": replica, **options}}
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "translations")


def _engine_options(app: Flask, url: str, options: dict) -> dict:
    """The engine options for a database at ``url`` (the primary's or the replica's)."""
    options = dict(options)
    # SQL error dumps in the logs never show the values (password hashes, reset-token hashes).
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Concurrent writers (two managers accepting at once) wait for the lock, not fail.
        options.setdefault("connect_args", {"timeout": 30})
    elif url.startswith("postgresql"):
        # A hung database must not freeze every worker (exchange/site/outage.py): bounded
        # connect, statement, lock and pool waits, and keepalives for a host that vanished.
        c = app.config
        server = (
            f"-c statement_timeout={int(c['DB_STATEMENT_TIMEOUT_MS'])} "
            f"-c lock_timeout={int(c['DB_LOCK_TIMEOUT_MS'])}"
        )
        options.setdefault(
            "connect_args",
            {
                "connect_timeout": int(c["DB_CONNECT_TIMEOUT"]),
                "options": server,
                "keepalives": 1,
                "keepalives_idle": int(c["DB_KEEPALIVES_IDLE"]),
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )
        options.setdefault("pool_timeout", float(c["DB_POOL_TIMEOUT"]))
    return options


def _register_policies() -> None:
    """A domain's rule another domain below it must apply, handed down once (docs/wiring.md):
    deals' salam hold on offers and contract akad (listings, matching), listings' grades in use
    (catalogue)."""
    deal_holds.register()
    pool_holds.register()
    register_grades_in_use(listing_queries.commodity_in_use)
    # The gauges /metrics reads at scrape time (exchange/metrics/instruments.py register_gauge)
    metric_sources.register()
    scheduler_gauges.register()
    register_gauge(
        "exchange_replica_lag_seconds",
        "How far the read replica's replay is behind the primary, seconds (no series: no "
        "replica, or it does not answer).",
        replica_health.lag_reading,
    )
    register_gauge(
        "exchange_replica_in_use",
        "1 while this process sends the listed reads to the replica, 0 when they go to the "
        "primary (no replica, down, or lagging over EXCHANGE_REPLICA_MAX_LAG_SECONDS).",
        replica_health.in_use_reading,
    )
    # What a clearing and a kliring job do (the jobs machinery imports no domain).
    job_registry.register(JobKind.CLEARING, matching_services.CLEARING_JOB)
    job_registry.register(JobKind.NETTING, netting_job.HANDLER)


def _register_vocabulary(app: Flask) -> None:
    """The vocabularies' enums, so templates compare members (``deal.state == DealState.SIGNED``),
    not strings."""
    app.jinja_env.globals.update(
        DealState=State,
        DealSide=Side,
        ListingSide=ListingSide,
        ListingStatus=ListingStatus,
        PesantrenStatus=PesantrenStatus,
        ProposalStatus=ProposalStatus,
        RequestStatus=RequestStatus,
        Role=Role,
    )


def _register_blueprints(app: Flask) -> None:
    for bp in BLUEPRINTS():
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    app.cli.add_command(cli)
