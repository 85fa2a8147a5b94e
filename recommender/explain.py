"""Why an album is recommended ("because you own ..."), and which new artists to follow."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import numpy as np

from .items import artist_keys

BECAUSE_MAX = 3
# `IndexStore.artist_links`' relation, named from the recommended album's artist, as
# read in "<artist>, <phrase> <owned artist>": a link "member" means the owned artist
# is a member of the recommended one, which is therefore the group of the owned.
RELATED_PHRASES = {"alias": "alias of", "member": "group of", "group": "member of"}
Links = Mapping[Tuple[int, int], str]


def related_artist(candidate: Dict[str, Any], owned: Dict[str, Any], links: Links
                   ) -> Optional[Dict[str, str]]:
    """How one of the candidate's artists is related to one of the owned album's:
    {"artist", "relation", "of"} ("Thom Yorke", "member of", "Radiohead"), or None."""
    for artist in candidate["artists"]:
        for other in owned["artists"]:
            relation = links.get((artist.get("id"), other.get("id")))
            if relation:
                return {"artist": artist["name"], "relation": RELATED_PHRASES[relation],
                        "of": other["name"]}
    return None


def shared_traits(candidate: Dict[str, Any], owned: Dict[str, Any],
                  links: Optional[Links] = None) -> Dict[str, Any]:
    """What a recommended album has in common with an owned one: styles, label, artist,
    and a related artist (the artists dump's `links`) where no artist is the same."""
    owned_styles = {s.casefold() for s in owned["styles"]}
    owned_labels = {l.casefold() for l in owned["labels"] or ([owned["label"]] if owned["label"] else [])}
    labels = candidate["labels"] or ([candidate["label"]] if candidate["label"] else [])
    owned_keys = set(artist_keys(owned))
    artist = next((a["name"] for a in candidate["artists"]
                   if (a["id"] if a["id"] is not None else a["name"].casefold()) in owned_keys),
                  None)
    return {
        "styles": [s for s in candidate["styles"] if s.casefold() in owned_styles],
        "label": next((l for l in labels if l.casefold() in owned_labels), None),
        "artist": artist,
        "related": related_artist(candidate, owned, links) if artist is None and links else None,
    }


def top_contributors(candidate_vectors: np.ndarray, owned_ids: np.ndarray,
                     owned_vectors: np.ndarray, owned_weights: np.ndarray) -> List[List[int]]:
    """For each candidate, the owned album ids that contribute most to its score."""
    if candidate_vectors.shape[0] == 0 or owned_vectors.shape[0] == 0:
        return [[] for _ in range(candidate_vectors.shape[0])]
    contrib = (candidate_vectors @ owned_vectors.T) * owned_weights[None, :]
    result = []
    for row in contrib:
        top = np.lexsort((owned_ids, -row))[:BECAUSE_MAX]
        result.append([int(owned_ids[j]) for j in top if row[j] > 0])
    return result


def with_related(contributors: Sequence[Sequence[int]], candidates: Sequence[Dict[str, Any]],
                 candidate_vectors: np.ndarray, links: Links, owned_ids: np.ndarray,
                 owned_vectors: np.ndarray, owned_weights: np.ndarray,
                 owned_artists: Mapping[int, Set[Any]]) -> List[List[int]]:
    """The contributors, where a candidate's artist is related to an owned artist that
    none of them is by: the owned album by a related artist that contributes most
    takes the last place (a member's solo album is recommended because of the band's)."""
    related_to: Dict[int, Set[int]] = defaultdict(set)
    for artist_id, owned_artist in links:
        related_to[artist_id].add(owned_artist)
    by_artist: Dict[Any, List[int]] = defaultdict(list)
    for row, album_id in enumerate(owned_ids):
        for key in owned_artists.get(int(album_id), ()):
            by_artist[key].append(row)
    result = []
    for i, (candidate, album_ids) in enumerate(zip(candidates, contributors)):
        related = set().union(*(related_to.get(a.get("id"), set()) for a in candidate["artists"]))
        rows = sorted({row for key in related for row in by_artist.get(key, ())})
        if not rows or any(owned_artists.get(a, set()) & related for a in album_ids):
            result.append(list(album_ids))
            continue
        contribution = (owned_vectors[rows] @ candidate_vectors[i]) * owned_weights[rows]
        best = int(owned_ids[rows[int(np.argmax(contribution))]])
        result.append(list(album_ids)[:BECAUSE_MAX - 1] + [best])
    return result


def because(candidates: Sequence[Dict[str, Any]], contributors: Sequence[Sequence[int]],
            owned_albums: Mapping[int, Dict[str, Any]],
            owned_refs: Optional[Mapping[int, Mapping[str, Optional[int]]]] = None,
            links: Optional[Links] = None) -> List[List[Dict[str, Any]]]:
    """The `because` list of each candidate: its top contributors and what they share.

    `owned_refs` names each owned album by the ids the user sent (their release, not
    the master's main release) when given; `links`: see `IndexStore.artist_links`.
    """
    result = []
    for candidate, album_ids in zip(candidates, contributors):
        entries = []
        for album_id in album_ids:
            album = owned_albums.get(album_id)
            if album is None:
                continue
            ref = (owned_refs or {}).get(album_id, {})
            entries.append({
                "release_id": ref.get("release_id", album["release_id"]),
                "master_id": ref.get("master_id", album["master_id"]),
                "title": album["title"],
                "artist": album["artist"],
                "shared": shared_traits(candidate, album, links),
            })
        result.append(entries)
    return result


def new_artists(pool: Sequence[Dict[str, Any]], scores: Sequence[float], owned_keys: Set[Any],
                limit: int = 10, albums_per_artist: int = 3) -> List[Dict[str, Any]]:
    """Artists the user owns nothing by, ranked by the summed scores of their albums in
    the pool (an artist with several fitting albums is a safer bet than one hit).
    """
    total: Dict[Any, float] = defaultdict(float)
    names: Dict[Any, Dict[str, Any]] = {}
    albums: Dict[Any, List[Dict[str, Any]]] = defaultdict(list)
    for album, score in zip(pool, scores):
        for artist in album["artists"]:
            key = artist["id"] if artist["id"] is not None else artist["name"].casefold()
            if key in owned_keys or key not in artist_keys(album):
                continue
            total[key] += float(score)
            names.setdefault(key, artist)
            if len(albums[key]) < albums_per_artist and album["album_id"] not in {
                    a["_album_id"] for a in albums[key]}:
                albums[key].append({"_album_id": album["album_id"], "master_id": album["master_id"],
                                    "release_id": album["release_id"], "title": album["title"],
                                    "url": album["url"]})
    ranked = sorted(total, key=lambda key: (-total[key], names[key]["name"].casefold(), str(key)))
    return [{"id": names[key]["id"], "name": names[key]["name"], "score": round(total[key], 6),
             "albums": [{k: v for k, v in a.items() if k != "_album_id"} for a in albums[key]]}
            for key in ranked[:limit]]
