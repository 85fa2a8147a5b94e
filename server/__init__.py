"""The discogs-recs HTTP API: a Flask application factory.

    gunicorn --config server/gunicorn_conf.py "server:create_app()"   # production (Procfile)
    discogs-recs serve --index data/index                              # local, port 5000

The published index is loaded once per process and followed: see
`recommender.reload.PublishedIndex` (a new build published into the same folder is
picked up within RELOAD_CHECK_SECONDS, without dropping a request).
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from flask import Flask
from flask_cors import CORS

from recommender.reload import PublishedIndex

from . import api, collection_api, config, contract, errors, health, web


def create_app(test_config: Optional[Mapping[str, Any]] = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, test_config)
    _open_index(app)
    CORS(app, resources={r"/api/*": {"origins": config.origins(app.config["CORS_ORIGINS"])},
                         r"/healthz": {"origins": config.origins(app.config["CORS_ORIGINS"])}})
    app.register_blueprint(errors.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(collection_api.bp)   # /api/v1/users/..., /recommendations/from-export
    app.register_blueprint(web.bp)              # the web page at /
    contract.publish(app)                       # /api/v1/openapi.json, from the models
    return app


def _configure(app: Flask, test_config: Optional[Mapping[str, Any]]) -> None:
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)        # instance/config.py
    app.config.from_prefixed_env("DISCOGS_RECS")            # DISCOGS_RECS_INDEX_DIR=...
    if test_config:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False  # keep items in the documented field order


def _open_index(app: Flask) -> None:
    index_dir = app.config["INDEX_DIR"]
    app.extensions["discogs_recs.index"] = (
        PublishedIndex(str(index_dir), check_interval=float(app.config["RELOAD_CHECK_SECONDS"]),
                       faiss_mmap=bool(app.config["FAISS_MMAP"]))
        if index_dir else None)

