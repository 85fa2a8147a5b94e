"""`discogs-recs serve`: the API on this machine, for local use and the extension."""
from __future__ import annotations

import click


@click.command()
@click.option("--index", "index_dir", metavar="DIR", envvar="DISCOGS_RECS_INDEX_DIR",
              required=True, help="Index folder (DIR/manifest.json), as built by `discogs-recs build --out DIR`.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to reach it from other machines.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow this browser origin (repeatable; default: discogs.com and the extension).")
@click.option("--debug", is_flag=True, help="Flask debug mode: reload on code changes, tracebacks.")
def serve(index_dir: str, port: int, host: str, cors_origins: tuple, debug: bool) -> None:
    """Serve the recommendation API over an index folder (http://localhost:5000).

    Uses Flask's threaded server, fine for one person and the browser extension; for
    production run gunicorn as the Procfile does (docs/serving.md). A build published
    into DIR later (`discogs-recs build --out DIR`) is picked up without a restart.

    \b
    Examples:
      discogs-recs serve --index data/index
      discogs-recs serve --index data/index --port 8080 --host 0.0.0.0
      curl -s localhost:5000/api/v1/recommendations -H 'Content-Type: application/json' \\
           -d '{"master_ids": [16921, 31598], "k": 10}'
    """
    from server import create_app

    settings = {"INDEX_DIR": index_dir}
    if cors_origins:
        settings["CORS_ORIGINS"] = list(cors_origins)
    app = create_app(settings)
    published = app.extensions["discogs_recs.index"]
    try:
        store = published.current()
        click.echo(f"serving build {store.build_id} ({store.album_count:,} albums) from {index_dir}")
    except Exception as exc:  # keep serving: the API answers 503 and picks the index up later
        click.echo(f"warning: {exc}", err=True)
    click.echo(f"API on http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}/api/v1 "
               f"(OpenAPI: /api/v1/openapi.json)")
    _single_threaded_blas()
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=debug)


def _single_threaded_blas() -> None:
    """Small per-request matrix products are faster without BLAS threads (docs/serving.md)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1, user_api="blas")


def register(main: click.Group) -> None:
    main.add_command(serve)
