"""bench.calibrated_vectors: the synthetic vectors the 10M serving figures rest on keep
the real vectors' clusters and spread."""
import numpy as np
import pytest

faiss = pytest.importorskip("faiss")

from bench import calibrated_vectors  # noqa: E402


def _clustered(n_per: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Three tight, well-apart clusters, each spread along its own two directions."""
    rng = np.random.default_rng(seed)
    parts = []
    for c in range(3):
        centre = np.zeros(dim)
        centre[c] = 1.0
        directions = np.zeros((2, dim))
        directions[0, 3 + 2 * c], directions[1, 4 + 2 * c] = 0.3, 0.1
        parts.append(centre + rng.standard_normal((n_per, 2)) @ directions
                     + 0.005 * rng.standard_normal((n_per, dim)))
    x = np.concatenate(parts).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_samples_stay_in_their_cluster_with_its_spread():
    real = _clustered(200)
    model = calibrated_vectors.fit(real, clusters=3, rank=4)
    assert np.allclose(model.weights, 1 / 3)
    drawn, picks = model.sample(3000, np.random.default_rng(1))
    assert drawn.shape == (3000, 32) and drawn.dtype == np.float32
    assert np.allclose(np.linalg.norm(drawn, axis=1), 1.0, atol=1e-5)
    # Each draw is nearest to the mean of the cluster it was drawn from.
    nearest = np.argmax(drawn @ model.means.T, axis=1)
    assert (nearest == picks).mean() == 1.0
    # The spread follows the real cluster's: wide along one direction, narrow along the other.
    for cluster in range(3):
        axis = int(np.argmax(np.abs(model.means[cluster][:3])))
        rows = drawn[picks == cluster]
        real_rows = real[np.argmax(real[:, :3], axis=1) == axis]
        for coordinate in (3 + 2 * axis, 4 + 2 * axis):
            assert rows[:, coordinate].std() == pytest.approx(real_rows[:, coordinate].std(), rel=0.15)
        # and the coordinates no direction spans stay as quiet as in the real ones
        assert rows[:, 20:].std() < 3 * real_rows[:, 20:].std()


def test_neighbour_similarities_match_the_real_ones():
    real = _clustered(300, seed=2)
    drawn, _ = calibrated_vectors.fit(real, clusters=3, rank=4).sample(len(real), np.random.default_rng(3))

    def nearest(x):
        sims = x @ x.T
        np.fill_diagonal(sims, -1)
        return sims.max(axis=1).mean()

    assert nearest(drawn) == pytest.approx(nearest(real), abs=0.01)


def test_draws_are_reproducible_and_the_digest_names_the_real_vectors():
    real = _clustered(50)
    a, b = calibrated_vectors.fit(real, clusters=3), calibrated_vectors.fit(real, clusters=3)
    assert a.digest == b.digest != calibrated_vectors.fit(_clustered(50, seed=9), clusters=3).digest
    first, _ = a.sample(100, np.random.default_rng(5))
    again, _ = b.sample(100, np.random.default_rng(5))
    assert np.array_equal(first, again)

