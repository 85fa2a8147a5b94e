"""With EMBED_UNKNOWN off (the server default), the collection endpoints never import
torch or any model code, even for records the index lacks."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, shared

SCRIPT = """
import json, sys
from server import create_app, collection_api
app = create_app({"INDEX_DIR": sys.argv[1], "COLLECTION_CACHE": sys.argv[3]})
if "collection_api" not in app.blueprints:
    app.register_blueprint(collection_api.bp)
with open(sys.argv[2], "rb") as handle:
    response = app.test_client().post("/api/v1/recommendations/from-export", data=handle.read(),
                                      content_type="text/csv")
assert response.status_code == 200 and response.json["unknown_ids"], response.json
heavy = sorted(m for m in sys.modules if m.split(".")[0] in
               ("torch", "sentence_transformers", "transformers", "onnxruntime", "openvino", "optimum"))
print(json.dumps(heavy))
"""


def test_the_collection_endpoints_do_not_import_torch(sample_index, tmp_path):
    export = shared("collection-exports/gustw_collection_export.csv")
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(sample_index), str(export),
                          str(tmp_path / "c.sqlite")],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
