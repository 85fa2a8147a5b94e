"""FAISS index choice and every index type the builder can pick."""
from __future__ import annotations

import numpy as np
import pytest

from index_builder.vector_index import (HNSW_MAX_VECTORS, QUERY_SCAN_CODES, build_index,
                                        choose_index_type, default_params, estimated_bytes,
                                        load_index, search)


def test_choice_follows_size_and_memory_budget():
    assert choose_index_type(1_000, 384) == "flat"
    assert choose_index_type(200_000, 384) == "flat"
    assert choose_index_type(1_000_000, 384, memory_budget=8 << 30) == "hnsw"
    assert choose_index_type(1_000_000, 384, memory_budget=1 << 30) == "hnsw_sq8"
    assert choose_index_type(1_000_000, 384, memory_budget=512 << 20) == "ivf_sq8"
    # HNSW's recall falls with size: the largest catalogues get IVF even when HNSW fits
    assert choose_index_type(HNSW_MAX_VECTORS, 384, memory_budget=64 << 30) == "hnsw"
    assert choose_index_type(HNSW_MAX_VECTORS + 1, 384, memory_budget=64 << 30) == "ivf_sq8"
    assert choose_index_type(19_000_000, 384, memory_budget=8 << 30) == "ivf_sq8"
    assert estimated_bytes("ivf_sq8", 10, 384) < estimated_bytes("hnsw_sq8", 10, 384) \
        < estimated_bytes("hnsw", 10, 384)


def test_ivf_probes_a_64th_of_the_lists_within_one_query_budget():
    for n in (1_600_000, 2_000_000, 5_000_000):  # as measured up to 5M: 1/64
        params = default_params("ivf_sq8", n)
        assert params["nprobe"] == params["nlist"] // 64
    for n in (10_000_000, 19_000_000):  # a list holds sqrt(n)/4 albums: the budget caps it
        params = default_params("ivf_sq8", n)
        assert params["nprobe"] < params["nlist"] // 64
        assert params["nprobe"] * n / params["nlist"] <= QUERY_SCAN_CODES
    assert default_params("ivf_sq8", 10_000)["nprobe"] == 8  # never fewer than 8 lists


@pytest.fixture(scope="module")
def clustered_vectors(tmp_path_factory):
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(50, 64)).astype(np.float32)
    vectors = centres[rng.integers(0, 50, 6000)] + 0.3 * rng.normal(size=(6000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    path = tmp_path_factory.mktemp("vectors") / "vectors.npy"
    np.save(path, vectors.astype(np.float32))
    return path, vectors


@pytest.mark.parametrize("index_type,min_recall", [("flat", 1.0), ("hnsw", 0.95),
                                                   ("hnsw_sq8", 0.85), ("ivf_sq8", 0.8)])
def test_each_index_type_finds_true_neighbours(clustered_vectors, tmp_path, index_type, min_recall):
    path, vectors = clustered_vectors
    index_path = str(tmp_path / "index.faiss")
    info = build_index(str(path), index_path, index_type=index_type, progress=False)
    assert info["type"] == index_type and info["vectors"] == len(vectors)
    index = load_index(index_path, info)
    queries = vectors[:100]
    _, found = search(index, queries, 10)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)])
    assert recall >= min_recall, recall


def test_auto_uses_an_approximate_index_above_the_threshold(clustered_vectors, tmp_path):
    path, _ = clustered_vectors
    info = build_index(str(path), str(tmp_path / "i.faiss"), exact_threshold=1000, progress=False)
    assert info["type"] == "hnsw"
    info = build_index(str(path), str(tmp_path / "j.faiss"), exact_threshold=1000,
                       memory_budget=6000 * 100, progress=False)
    assert info["type"] == "ivf_sq8"


def test_a_collection_search_probes_fewer_lists_within_its_scan_budget(clustered_vectors, tmp_path):
    """IndexStore.search(..., scan_codes): many queries share one budget of codes on an
    IVF index; one query, or a budget the default fits in, keeps the default probing."""
    from types import SimpleNamespace

    from recommender.store import MIN_NPROBE, IndexStore

    path, vectors = clustered_vectors
    index_path = str(tmp_path / "ivf.faiss")
    info = build_index(str(path), index_path, index_type="ivf_sq8",
                       params={"nlist": 60, "nprobe": 30}, progress=False)
    store = SimpleNamespace(index=load_index(index_path, info), album_count=len(vectors))
    per_list = len(vectors) / 60
    assert IndexStore.nprobe_within(store, 12, None) is None
    assert IndexStore.nprobe_within(store, 1, 10 ** 9) is None  # the default fits
    assert IndexStore.nprobe_within(store, 12, int(12 * 10 * per_list)) == 10
    assert IndexStore.nprobe_within(store, 12, 1) == MIN_NPROBE
    flat = build_index(str(path), str(tmp_path / "flat.faiss"), index_type="flat", progress=False)
    assert IndexStore.nprobe_within(SimpleNamespace(index=load_index(str(tmp_path / "flat.faiss"), flat),
                                                    album_count=len(vectors)), 12, 1) is None
    # The budgeted search is the index's own search at that probing, the default untouched.
    store.nprobe_within = lambda queries, codes: IndexStore.nprobe_within(store, queries, codes)
    budget = int(12 * 10 * per_list)
    _, budgeted = IndexStore.search(store, vectors[:12], 10, budget)
    assert store.index.nprobe == 30
    store.index.nprobe = 10
    _, expected = search(store.index, vectors[:12], 10)
    np.testing.assert_array_equal(budgeted, expected)


def test_rescored_search_ranks_the_best_codes_by_exact_similarity(clustered_vectors, tmp_path):
    """IndexStore.search(..., rescore=True): on an index of 8-bit codes, the best
    RESCORE_CANDIDATES by the codes, re-ranked by the stored vectors' exact scores."""
    from recommender.store import RESCORE_CANDIDATES, IndexStore

    path, vectors = clustered_vectors
    info = build_index(str(path), str(tmp_path / "ivf.faiss"), index_type="ivf_sq8",
                       params={"nlist": 60, "nprobe": 3}, progress=False)
    store = IndexStore.__new__(IndexStore)
    store.index, store.manifest = load_index(str(tmp_path / "ivf.faiss"), info), {"index": info}
    store.vectors, store.album_count, store.dimension = np.load(path, mmap_mode="r"), *vectors.shape
    queries = vectors[:60] + 0.05
    rescored_sims, rescored = store.search(queries, 10, rescore=True)
    _, candidates = store.index.search(queries, RESCORE_CANDIDATES)
    for query, sims, found, pool in zip(queries, rescored_sims, rescored, candidates):
        pool = pool[pool >= 0]
        exact = vectors[pool] @ query
        np.testing.assert_array_equal(np.sort(found), np.sort(pool[np.argsort(-exact)[:10]]))
        np.testing.assert_allclose(sims, vectors[found] @ query, rtol=1e-5)
        assert np.all(np.diff(sims) <= 0)
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    _, by_codes = store.search(queries, 10)
    recall = [np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
              for found in (by_codes, rescored)]
    assert recall[1] > recall[0], recall
    flat = build_index(str(path), str(tmp_path / "flat.faiss"), index_type="flat", progress=False)
    store.index, store.manifest = load_index(str(tmp_path / "flat.faiss"), flat), {"index": flat}
    np.testing.assert_array_equal(store.search(queries, 10, rescore=True)[1], store.search(queries, 10)[1])


def test_an_ivf_index_probes_the_lists_its_flat_quantizer_would(clustered_vectors, tmp_path):
    """load_index puts an HNSW graph of the centroids in front of an IVF index: the
    same lists probed (nearly always), the same answers, and nothing freed twice."""
    import faiss

    path, vectors = clustered_vectors
    info = build_index(str(path), str(tmp_path / "ivf.faiss"), index_type="ivf_sq8",
                       params={"nlist": 60, "nprobe": 5}, progress=False)
    plain = faiss.read_index(str(tmp_path / "ivf.faiss"))
    plain.nprobe = 5
    for mmap in (False, True):
        index = load_index(str(tmp_path / "ivf.faiss"), info, mmap=mmap)
        assert isinstance(faiss.downcast_index(faiss.extract_index_ivf(index).quantizer), faiss.IndexHNSWFlat)
        _, found = search(index, vectors[:200], 10)
        _, expected = search(plain, vectors[:200], 10)
        assert np.mean(np.all(found == expected, axis=1)) >= 0.99
        del index
    import gc

    gc.collect()
