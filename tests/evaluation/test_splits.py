"""Hold-out splits: every album held out once, deterministic, latest by date added."""
from __future__ import annotations

import datetime as dt

from evaluation.profiles import EvalCollection
from evaluation.splits import fold_count, kfold_splits, latest_splits


def collection(n: int, dated: int = 0, name: str = "c") -> EvalCollection:
    ids = list(range(100, 100 + n))
    added = {a: dt.datetime(2020, 1, 1) + dt.timedelta(days=i) for i, a in enumerate(ids[:dated])}
    return EvalCollection(name, "test", n, ids, added)


def test_kfold_holds_out_every_album_exactly_once():
    splits = kfold_splits(collection(26), folds=5, seed=0)
    assert len(splits) == 5
    held = [a for s in splits for a in s.held_out]
    assert sorted(held) == list(range(100, 126))
    for s in splits:
        assert not set(s.held_out) & set(s.profile)
        assert set(s.held_out) | set(s.profile) == set(range(100, 126))
        assert len(s.held_out) in (5, 6)


def test_kfold_is_deterministic_and_ignores_row_order():
    a = collection(26)
    b = collection(26)
    b.album_ids = list(reversed(b.album_ids))
    assert kfold_splits(a, 5, seed=7) == kfold_splits(b, 5, seed=7)
    assert kfold_splits(a, 5, seed=7) != kfold_splits(a, 5, seed=8)


def test_zero_folds_is_leave_one_out_and_folds_are_capped():
    assert [len(s.held_out) for s in kfold_splits(collection(5), 0, seed=0)] == [1] * 5
    assert fold_count(3, 10) == 3
    assert fold_count(1, 5) == 0
    assert kfold_splits(collection(1), 5, seed=0) == []


def test_latest_holds_out_the_most_recently_added_albums():
    [split] = latest_splits(collection(10, dated=10), folds=5)
    assert split.held_out == (108, 109)  # a fold's worth: ceil(10 / 5)
    assert 100 in split.profile and len(split.profile) == 8


def test_latest_keeps_undated_albums_in_the_profile_and_needs_two_dates():
    [split] = latest_splits(collection(10, dated=3), folds=2)
    assert split.held_out == (101, 102)  # at most all dated albums but one
    assert set(split.profile) == set(range(100, 110)) - {101, 102}
    assert latest_splits(collection(10, dated=1), folds=5) == []
