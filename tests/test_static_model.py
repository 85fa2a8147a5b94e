"""`--model static`: model2vec static embeddings, distilled once, cached like every embedding.

Most tests use a small model2vec folder made here (the default model's tokenizer and a
random 32-dimension token table), which `--model static:PATH` takes as it is; one test
distils the real default model (a few minutes the first time, then kept in
~/.cache/discogs-recs/models, where `discogs-recs build` without --cache would keep it
under the index folder).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from tests.conftest import FIXTURES, SAMPLE_RELEASES, shared

pytest.importorskip("model2vec")

EDGE_RELEASES = str(FIXTURES / "releases_edge_cases.xml")
EDGE_MASTERS = str(FIXTURES / "masters_edge_cases.xml")
TEXTS = ["Miles Davis - Kind Of Blue (1959). Jazz; Modal, Hard Bop. Columbia. Vinyl, LP",
         "Aphex Twin - Selected Ambient Works 85-92. Electronic; Ambient, Techno.",
         "", "x", "Ünïcödé – ＦＵＬＬＷＩＤＴＨ • 東京 " * 3, "a " * 2000]


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", *args], catch_exceptions=False)


@pytest.fixture(scope="session")
def tiny_static(tmp_path_factory) -> Path:
    """A model2vec folder: the default model's tokenizer, a random token table."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    from index_builder.embedder import resolve_model_path

    tokenizer = Tokenizer.from_file(str(resolve_model_path("default") / "tokenizer.json"))
    tokenizer.no_padding()  # as model2vec's distiller leaves it
    tokenizer.no_truncation()
    table = np.random.default_rng(3).normal(size=(tokenizer.get_vocab_size(), 32))
    folder = tmp_path_factory.mktemp("tiny-static")
    StaticModel(table.astype(np.float32), tokenizer, normalize=True).save_pretrained(str(folder))
    return folder


def test_pooling_gives_model2vec_own_vectors(tiny_static: Path):
    from model2vec import StaticModel

    from index_builder.static_model import StaticEmbedder

    ours = StaticEmbedder(f"static:{tiny_static}", workers=1).encode(TEXTS)
    theirs = StaticModel.from_pretrained(str(tiny_static)).encode(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 32)
    present = np.linalg.norm(theirs, axis=1) > 0
    assert not present[2] and np.all(ours[2] == 0)  # an empty text has no tokens
    np.testing.assert_allclose(ours[present], theirs[present], atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(ours[present], axis=1), 1.0, atol=1e-5)


def test_two_worker_processes_give_the_same_vectors(tiny_static: Path):
    from index_builder.static_model import PARALLEL_MIN, StaticEmbedder

    texts = [f"{TEXTS[i % 2]} {i}" for i in range(PARALLEL_MIN + 5)]
    parallel = StaticEmbedder(f"static:{tiny_static}", workers=2)
    try:
        np.testing.assert_allclose(parallel.encode(texts),
                                   StaticEmbedder(f"static:{tiny_static}", workers=1).encode(texts),
                                   atol=1e-6)
    finally:
        parallel.close()


def test_build_with_a_static_model_records_it_and_rebuilds_from_the_cache(tiny_static: Path,
                                                                          tmp_path: Path):
    args = ["build", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
            "--model", f"static:{tiny_static}", "--out", str(tmp_path / "index")]
    result = run(*args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    model = manifest["model"]
    assert model["backend"] == "model2vec" and model["dimension"] == 32 and model["pca_dims"] == 32
    assert model["key"].startswith("static(") and "model2vec-" in model["key"]
    assert manifest["index"]["dimension"] == 32
    vectors = np.load(tmp_path / "index" / manifest["files"]["vectors"])
    # float16 on disk (and in the cache): half the memory the server maps at 10M albums
    assert vectors.dtype == np.float16 and vectors.shape == (manifest["counts"]["albums"], 32)
    assert manifest["embedding"]["vectors_dtype"] == "float16"
    norms = np.linalg.norm(vectors.astype(np.float32), axis=1)
    np.testing.assert_allclose(norms[norms > 0], 1.0, atol=2e-3)
    with sqlite3.connect(tmp_path / "index" / "cache" / "embeddings.sqlite") as conn:
        keys = [k for (k,) in conn.execute("SELECT model FROM models")]
    assert keys == [f"{model['key']}|model2vec"]

    again = run(*args)
    assert again.exit_code == 0, again.output
    second = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert second["embedding"] == {"embedded": 0, "from_cache": manifest["counts"]["albums"],
                                   "vectors_dtype": "float16"}
    assert second["model"]["pca_dims"] == 32  # recorded even when the model is not loaded
    np.testing.assert_array_equal(np.load(tmp_path / "index" / second["files"]["vectors"]), vectors)


def test_a_static_path_that_is_no_model_is_one_clear_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["--quiet", "build", "--releases", EDGE_RELEASES,
                                       "--model", f"static:{tmp_path}", "--out",
                                       str(tmp_path / "index")])
    assert result.exit_code == 1
    assert "not a local sentence-transformers folder" in result.stderr
    assert not (tmp_path / "index" / "manifest.json").exists()


@pytest.fixture(scope="session")
def distilled() -> Path:
    """The real static model, distilled from the default model once per machine."""
    from index_builder.static_model import distilled_folder

    return distilled_folder("static", None, progress=False)


def test_default_static_model_is_distilled_once_and_keeps_albums_apart(distilled: Path,
                                                                       tmp_path: Path):
    from index_builder.static_model import StaticEmbedder, distilled_folder

    assert distilled_folder("static", None, progress=False) == distilled  # cached, not redone
    info = json.loads((distilled / "distilled.json").read_text())
    assert info["pca_dims"] == 256
    embedder = StaticEmbedder("static", workers=1)
    jazz, jazz2, techno = embedder.encode([
        "Miles Davis - Kind Of Blue. Jazz; Modal. Columbia",
        "John Coltrane - Blue Train. Jazz; Hard Bop. Blue Note",
        "Jeff Mills - Waveform Transmission Vol. 1. Electronic; Techno. Tresor"])
    assert embedder.dimension == 256
    assert float(jazz @ jazz2) > float(jazz @ techno)

    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    # the default static model lives under the index's cache folder: point it at the
    # one distilled above instead of distilling again
    out = tmp_path / "index"
    (out / "cache" / "models").mkdir(parents=True)
    (out / "cache" / "models" / distilled.name).symlink_to(distilled)
    result = run("build", "--releases", str(SAMPLE_RELEASES), "--model", "static", "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model"]["name"] == "static" and manifest["model"]["pca_dims"] == 256
    assert manifest["model"]["source"] == "default"


def test_the_server_answers_from_a_float16_static_index(tiny_static: Path, tmp_path: Path):
    from recommender.engine import Recommender
    from recommender.store import IndexStore

    out = tmp_path / "index"
    result = run("build", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
                 "--model", f"static:{tiny_static}", "--out", str(out))
    assert result.exit_code == 0, result.output
    store = IndexStore.open(str(out))
    assert store.vectors.dtype == np.float16 and store.dimension == 32
    rows = store.album_vectors([1, 0])
    assert rows.dtype == np.float32  # rescoring works in float32 whatever is stored
    np.testing.assert_array_equal(rows[1], store.vectors[0].astype(np.float32))
    engine = Recommender(store)
    album, neighbours = engine.neighbours_with_query(0, k=3)
    assert album is not None and 0 not in [n["album_id"] for n in neighbours]
    answer = engine.recommend([0, 1], k=3)
    assert answer.items and not {0, 1} & {item["album_id"] for item in answer.items}


def test_progress_bars_off_silences_an_already_imported_tqdm():
    """model2vec's distiller draws a bar; `--quiet` builds must not show it, though
    the build imported tqdm (and read TQDM_DISABLE) long before."""
    import io

    import tqdm

    from index_builder.static_model import progress_bars_off

    quiet, loud = io.StringIO(), io.StringIO()
    with progress_bars_off():
        for _ in tqdm.tqdm(range(3), desc="Encoding tokens", file=quiet):
            pass
    for _ in tqdm.tqdm(range(3), desc="Encoding tokens", file=loud):
        pass
    assert quiet.getvalue() == "" and "Encoding tokens" in loud.getvalue()
