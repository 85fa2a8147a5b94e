"""GET /healthz: is this process up and serving an index? (load balancers, the extension)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from . import models
from .api import current_store
from .contract import operation

bp = Blueprint("health", __name__)


@operation(bp, "GET", "/healthz", response=models.Health, errors=(503,),
           summary="Up and serving an index?")
def healthz():
    store = current_store()  # 503 in the error shape while no index is published
    return jsonify({"status": "ok", "build_id": store.build_id, "albums": store.album_count})
