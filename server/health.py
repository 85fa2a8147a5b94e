"""GET /healthz: is this process up and serving an index? (load balancers, the extension)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .api import current_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    store = current_store()  # 503 in the error shape while no index is published
    return jsonify({"status": "ok", "build_id": store.build_id, "albums": store.album_count})
