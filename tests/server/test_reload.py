"""A build published into the served folder is picked up without failing a request."""
from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

from index_builder.layout import write_json_atomically
from server import create_app


def publish_copy(index_dir: Path, build_id: str) -> None:
    """Publish another build the way the builder does: a new builds/<id>, then one rename."""
    manifest = json.loads((index_dir / "manifest.json").read_text())
    old = index_dir / Path(manifest["files"]["catalog"]).parent
    shutil.copytree(old, index_dir / "builds" / build_id)
    manifest["build_id"] = build_id
    manifest["files"] = {role: f"builds/{build_id}/{Path(p).name}" for role, p in manifest["files"].items()}
    write_json_atomically(index_dir / "manifest.json", manifest)


def test_new_build_is_served_without_dropping_requests(sample_index, facts, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "manifest.json", index_dir)
    shutil.copytree(sample_index / "builds", index_dir / "builds")
    app = create_app({"INDEX_DIR": str(index_dir), "RELOAD_CHECK_SECONDS": 0})
    first = app.test_client().get("/api/v1/index").json["build_id"]

    failures, seen = [], set()
    stop = threading.Event()

    def hammer():
        client = app.test_client()
        body = {"release_ids": facts["electronic_releases"][:20], "k": 10}
        while not stop.is_set():
            response = client.post("/api/v1/recommendations", json=body)
            if response.status_code != 200:
                failures.append(response.get_data(as_text=True))
            else:
                seen.add(response.json["index"]["build_id"])
            near = client.get(f"/api/v1/releases/{facts['electronic_releases'][0]}/neighbours")
            if near.status_code != 200:
                failures.append(near.get_data(as_text=True))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    publish_copy(index_dir, "20990101T000000Z-second")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "20990101T000000Z-second" not in seen:
        time.sleep(0.05)
    # The builder prunes old builds: in-flight and new requests must not care.
    shutil.rmtree(index_dir / "builds" / first.join(["", ""]), ignore_errors=True)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    assert {first, "20990101T000000Z-second"} <= seen
    assert app.test_client().get("/api/v1/index").json["build_id"] == "20990101T000000Z-second"


def test_first_build_published_after_start_is_served(sample_index, tmp_path):
    index_dir = tmp_path / "later"
    index_dir.mkdir()
    app = create_app({"INDEX_DIR": str(index_dir), "RELOAD_CHECK_SECONDS": 0})
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    shutil.copytree(sample_index / "builds", index_dir / "builds")
    shutil.copy(sample_index / "manifest.json", index_dir)
    assert client.get("/healthz").status_code == 200


def test_a_broken_build_keeps_the_old_one_serving(sample_index, tmp_path):
    index_dir = tmp_path / "broken"
    index_dir.mkdir()
    shutil.copy(sample_index / "manifest.json", index_dir)
    shutil.copytree(sample_index / "builds", index_dir / "builds")
    app = create_app({"INDEX_DIR": str(index_dir), "RELOAD_CHECK_SECONDS": 0})
    client = app.test_client()
    build_id = client.get("/api/v1/index").json["build_id"]
    manifest = json.loads((index_dir / "manifest.json").read_text())
    manifest["build_id"] = "missing-files"
    manifest["files"] = {k: f"builds/missing/{Path(v).name}" for k, v in manifest["files"].items()}
    write_json_atomically(index_dir / "manifest.json", manifest)
    app.extensions["discogs_recs.index"].reload(block=True)
    assert client.get("/api/v1/index").json["build_id"] == build_id
    assert "missing" in app.extensions["discogs_recs.index"].last_error


def test_a_loaded_build_is_out_of_the_cyclic_collectors_walk(sample_index):
    """PublishedIndex freezes what a load made (gc.freeze): a full collection no longer
    walks the facts' vocabularies, and a store replaced later is still freed."""
    import gc
    import weakref

    from recommender.reload import PublishedIndex

    published = PublishedIndex(str(sample_index))
    vocabulary = published.current().album_facts().artists.vocabulary
    assert gc.get_freeze_count() > 0
    assert not any(obj is vocabulary for obj in gc.get_objects())
    gone = weakref.ref(published.current())
    published._store = None  # what a swap to the next build does to the old store
    assert gone() is None
