"""The calculation server's Flask application: `create_app(config=None)`.

Configuration comes from the environment (TIEOUT_*) with `config` on top; the database handle, the token,
the job runner and the scheduler are created per app, never at import time."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from .. import jobs
from ..services import users
from ..services.context import Actor
from ..private_home import private_dir, private_file
from ..store import Store, database_url, open_store
from . import config as config_mod
from . import access, errors, http, openapi, routes_accounts, routes_meta, routes_recs, routes_work, security
from . import routes_ledgers, routes_subledgers
from ..ledgers import batches as ledger_batches
from . import routes_review
from . import routes_workspace
from . import routes_account_settings
from .json_provider import OrjsonProvider


@dataclass
class Tieout:
    """What one app holds: its store, its token and owner, its job runner and scheduler."""

    config: dict
    store: Store
    token: str
    owner: Actor
    jobs: jobs.JobRunner
    scheduler: jobs.Scheduler | None = None

    def close(self, grace: float | None = None) -> bool:
        """Stop the scheduler and the jobs (at most `grace` seconds for a running one); returns whether every
        job ended (the store is then disposed; otherwise the caller exits and the database rolls back)."""
        if self.scheduler:
            self.scheduler.stop()
        ended = self.jobs.shutdown(wait=True, grace=grace)
        if ended:
            self.store.dispose()
        return ended


def create_app(config: dict | None = None) -> Flask:
    cfg = config_mod.load(config)
    # instance_path given: Flask cannot infer it for a package mapped by setuptools package-dir.
    app = Flask(__name__, instance_path=str(cfg["TIEOUT_HOME"]))
    app.json = OrjsonProvider(app)  # answers of 20,000 lines: orjson, not Python's encoder (json_provider.py)
    app.config.update(cfg)
    home = cfg["TIEOUT_HOME"]
    private_dir(home)  # the database and token: the owner's only
    url = cfg["DATABASE_URL"] or database_url(home)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        private_file(Path(url.removeprefix("sqlite:///")))  # SQLite gives its -wal and -shm files this mode
    store = open_store(url)  # runs the migrations
    owner = users.ensure_user(store, cfg["LOCAL_USER"], admin=True)
    jobs.recover(store, owner, cfg["JOB_LEASE_SECONDS"])  # before the workers start claiming
    ledger_batches.recover(store, owner, cfg["JOB_LEASE_SECONDS"])  # ledger against ledger (issue 16)
    runner = jobs.JobRunner(store, workers=cfg["JOB_WORKERS"], lease_seconds=cfg["JOB_LEASE_SECONDS"], actor=owner)
    ext = Tieout(cfg, store, security.ensure_token(home), owner, runner)
    if cfg["SCHEDULER_INTERVAL"]:
        ext.scheduler = jobs.Scheduler(store, runner, cfg["SCHEDULER_INTERVAL"])
        ext.scheduler.start()
    app.extensions["tieout"] = ext
    app.url_map.converters["int"] = http.IdConverter  # before the blueprints: their <int:id> routes use it
    app.before_request(security.check_request)
    app.before_request(access.check_access)  # after: it needs the authenticated user
    errors.register(app)
    for bp in (routes_meta.bp, routes_accounts.bp, routes_recs.bp, routes_work.bp, openapi.bp,
               routes_account_settings.bp):
        app.register_blueprint(bp)
    app.register_blueprint(routes_ledgers.bp)
    app.register_blueprint(routes_subledgers.bp)
    app.register_blueprint(routes_review.bp)
    app.register_blueprint(routes_workspace.bp)
    return app
