"""Serving never imports torch (or any model code): answers come from stored vectors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from server import create_app
app = create_app({"INDEX_DIR": sys.argv[1]})
client = app.test_client()
ids = json.loads(sys.argv[2])
assert client.post("/api/v1/recommendations", json={"release_ids": ids, "k": 5}).status_code == 200
assert client.get(f"/api/v1/releases/{ids[0]}/neighbours").status_code == 200
assert client.get("/api/v1/search?q=house").status_code == 200
heavy = sorted(m for m in sys.modules if m.split(".")[0] in
               ("torch", "sentence_transformers", "transformers", "onnxruntime", "openvino", "optimum"))
print(json.dumps(heavy))
"""


def test_serving_does_not_import_torch(sample_index, facts):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(sample_index),
                          json.dumps(facts["electronic_releases"][:10])],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
