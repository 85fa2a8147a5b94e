"""`discogs-recs serve`: the API on this machine, for local use and the extension.

By default the production server: gunicorn with server/gunicorn_conf.py, as the
Procfile runs it (one sync worker per core, the index loaded once before the workers
fork). `--dev` keeps Flask's threaded server, for debugging.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

import click

GUNICORN_CONF = Path(__file__).resolve().with_name("gunicorn_conf.py")


@click.command()
@click.option("--index", "index_dir", metavar="DIR", envvar="DISCOGS_RECS_INDEX_DIR",
              required=True, help="Index folder (DIR/manifest.json), as built by `discogs-recs build --out DIR`.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to reach it from other machines.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow this browser origin (repeatable; default: discogs.com and the extension).")
@click.option("--workers", type=click.IntRange(min=1),
              help="gunicorn worker processes (default: DISCOGS_RECS_WORKERS, else one per core).")
@click.option("--dev", is_flag=True,
              help="Flask's threaded development server instead of gunicorn (one process).")
@click.option("--debug", is_flag=True,
              help="Flask debug mode (implies --dev): reload on code changes, tracebacks.")
def serve(index_dir: str, port: int, host: str, cors_origins: tuple, workers: Optional[int],
          dev: bool, debug: bool) -> None:
    """Serve the recommendation API over an index folder (http://localhost:5000).

    Runs gunicorn with server/gunicorn_conf.py, as the Procfile does (docs/serving.md);
    --dev runs Flask's server instead. A build published into DIR later
    (`discogs-recs build --out DIR`) is picked up without a restart.

    \b
    Examples:
      discogs-recs serve --index data/index
      discogs-recs serve --index data/index --port 8080 --host 0.0.0.0 --workers 4
      discogs-recs serve --index data/index --dev --debug
      curl -s localhost:5000/api/v1/recommendations -H 'Content-Type: application/json' \\
           -d '{"master_ids": [16921, 31598], "k": 10}'
    """
    settings: Dict[str, Any] = {"INDEX_DIR": index_dir}
    if cors_origins:
        settings["CORS_ORIGINS"] = list(cors_origins)
    if dev or debug:
        app = _app(settings, host, port, "Flask's development server")
        single_threaded_blas()
        app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=debug)
        return
    options: Dict[str, Any] = {"bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}"}
    if workers:
        options["workers"] = workers
    # The config is read before the app (and numpy) is imported: it sets the BLAS and
    # OpenMP thread counts the workers run with.
    server = _gunicorn_application()(str(GUNICORN_CONF), options)
    server.app = _app(settings, host, port, f"gunicorn, {server.cfg.workers} workers")
    server.run()


def _app(settings: Dict[str, Any], host: str, port: int, server: str):
    from server import create_app

    app = create_app(settings)
    published = app.extensions["discogs_recs.index"]
    try:
        store = published.current()
        demo = ", the demo catalogue" if store.manifest.get("demo") else ""
        click.echo(f"serving build {store.build_id} ({store.album_count:,} albums{demo}) from "
                   f"{settings['INDEX_DIR']}")
    except Exception as exc:  # keep serving: the API answers 503 and picks the index up later
        click.echo(f"warning: {exc}", err=True)
    shown = "localhost" if host in ("127.0.0.1", "localhost", "::1") else host
    click.echo(f"API on http://{shown}:{port}/api/v1 (OpenAPI: /api/v1/openapi.json; web page: "
               f"http://{shown}:{port}/); {server}")
    return app


def _gunicorn_application():
    from gunicorn.app.base import Application

    class Gunicorn(Application):
        """gunicorn on an app made here, with the Procfile's config file."""

        def __init__(self, config_file: str, options: Dict[str, Any]):
            self.config_file = config_file
            self.options = options
            self.app = None
            super().__init__(prog="discogs-recs serve")

        def load_config(self) -> None:
            self.load_config_from_file(self.config_file)
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self):
            return self.app

    return Gunicorn


def single_threaded_blas() -> None:
    """Small per-request matrix products are faster without BLAS threads (docs/serving.md).
    Set at run time: numpy's OpenBLAS has started its pool by the time a server runs."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def register(main: click.Group) -> None:
    main.add_command(serve)
