"""Fixtures: the fake Discogs API over the real responses, a store, a quiet rate limiter."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from tests.conftest import shared

from .fake_discogs import FakeDiscogs


@pytest.fixture(scope="session")
def _fake_discogs_server():
    shared("api/users/example/wants_per_page=50&page=1.json")  # skip when absent
    fake = FakeDiscogs(shared("api")).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_discogs(_fake_discogs_server) -> FakeDiscogs:
    """The fake Discogs API with an empty request log and default behaviour."""
    _fake_discogs_server.reset()
    return _fake_discogs_server


class Sleeps(list):
    """A `sleep` that records instead of waiting, and the clock it moves forward."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 1000.0

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> List[float]:
    return Sleeps()


@pytest.fixture(scope="session")
def store(sample_index: Path):
    from recommender.store import IndexStore

    return IndexStore.open(str(sample_index))
