"""Keys that make a streaming service's artist, album and track names equal to Discogs'.

Spotify and Apple Music name the same album differently from Discogs: "Abbey Road
(Remastered 2009)", "Discovery - EP", "Rumours [Super Deluxe Edition]", "Beatles" for
"The Beatles", "Getz/Gilberto" credited to "Stan Getz" where Discogs credits "Stan Getz &
João Gilberto", "Run-D.M.C." for "Run DMC". A key is the name's words, diacritics, case,
punctuation and the words "the", "a", "and" removed, run together: "Run-D.M.C." and
"Run DMC" both become "rundmc".

Titles get three keys, strictest first (`title_keys`): the whole title; the title
without edition words ("(Remastered 2011)", "- Deluxe Edition", "[Bonus Track Version]",
"- EP"); the title without any bracketed part or " - " suffix. A match at an earlier key
is preferred; "live", "remix" and the like stay in the second key because they name a
different record.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

_WORD = re.compile(r"\w+")
_NOISE = frozenset({"the", "and", "a"})
VARIOUS = frozenset({"various", "variousartists", "va", "verschiedene", "artistesdivers"})

# Words that say which edition (not which record) a title is.
_EDITION_WORDS = (
    r"remaster(?:ed)?|re-?master(?:ed)?|deluxe|super\s+deluxe|expanded|edition|version|"
    r"anniversary|bonus|tracks?|reissue|re-?issue|mono|stereo|legacy|collector'?s|special|"
    r"limited|platinum|gold|original|digital|explicit|clean|hd|hi-?res|radio|edit|single|album|"
    r"\d{4}|\d+(?:st|nd|rd|th)")
_EDITION = re.compile(rf"^(?:\s*(?:{_EDITION_WORDS}|[-/&,.+\d]|and|mix)\s*)+$", re.IGNORECASE)
_BRACKETED = re.compile(r"\s*[\(\[\{]([^\(\)\[\]\{\}]*)[\)\]\}]")
_DASH_SUFFIX = re.compile(r"\s+[-\u2013\u2014:]\s+([^-\u2013\u2014]*)$")
_RELEASE_TYPE = re.compile(r"\s*(?:[-\u2013\u2014]\s*)?\b(?:ep|single|lp|e\.p\.)\s*$", re.IGNORECASE)
# "Daft Punk feat. Pharrell Williams", "(feat. Nile Rodgers)", "ft. X", "featuring X"
_FEATURING = re.compile(r"\s*[\(\[]?\s*\b(?:feat\.?|ft\.|featuring|with)\s+.*$", re.IGNORECASE)
_FEAT_BRACKETED = re.compile(r"\s*[\(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^\)\]]*[\)\]]",
                             re.IGNORECASE)


def words(text: str) -> List[str]:
    """Lower-case words without diacritics: 'Björk' -> ['bjork']."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text or "")
                       if not unicodedata.combining(c))
    return _WORD.findall(stripped.casefold().replace("\u00df", "ss"))


def key(text: str) -> str:
    """'The Beatles' -> 'beatles'; 'Run-D.M.C.' -> 'rundmc'; 'Kruder & Dorfmeister' ->
    'kruderdorfmeister'. A name of noise words alone keeps them ('The The' -> 'thethe')."""
    found = words(text)
    kept = [w for w in found if w not in _NOISE]
    return "".join(kept or found)


def search_words(text: str) -> List[str]:
    """The words a full-text query needs (noise words left out, as the keys do). Accents
    are left to the full-text index, which folds Latin ones on both sides and keeps
    others ('Валерий' must not become 'Валерии')."""
    found = _WORD.findall((text or "").casefold())
    return [w for w in found if w not in _NOISE] or found


def without_featuring(artist: str) -> str:
    """'Daft Punk feat. Pharrell Williams' -> 'Daft Punk'."""
    return _FEATURING.sub("", artist or "").strip() or (artist or "").strip()


def artist_keys(artist: str) -> Tuple[str, ...]:
    """The keys a listed artist may match: the whole credit, then without a featured artist."""
    keys = [key(artist), key(without_featuring(artist))]
    return tuple(k for k in dict.fromkeys(keys) if k)


def is_various(artist: str) -> bool:
    return key(artist) in VARIOUS


def _strip_editions(title: str) -> str:
    title = _FEAT_BRACKETED.sub("", title)
    previous = None
    while previous != title:
        previous = title
        title = _BRACKETED.sub(lambda m: "" if _EDITION.match(m.group(1)) else m.group(0), title)
        match = _DASH_SUFFIX.search(title)
        if match and _EDITION.match(match.group(1)):
            title = title[:match.start()]
        title = _RELEASE_TYPE.sub("", title).strip()
    return title


def _strip_all(title: str) -> str:
    title = _BRACKETED.sub("", title)
    title = _DASH_SUFFIX.sub("", title)
    return _RELEASE_TYPE.sub("", title).strip()


def edition_free(title: str) -> str:
    """The title without edition words: 'Abbey Road (Remastered 2009)' -> 'Abbey Road'."""
    return _strip_editions(title) or title


def title_keys(title: str) -> Tuple[str, str, str]:
    """(exact, without edition words, without any bracket or suffix) keys of a title.

    'Abbey Road (Remastered 2009)' -> ('abbeyroadremastered2009', 'abbeyroad', 'abbeyroad');
    'MTV Unplugged In New York (Live)' keeps 'live' in the second key.
    A title that would strip to nothing keeps the previous key.
    """
    exact = key(title)
    edition = key(_strip_editions(title)) or exact
    loose = key(_strip_all(_strip_editions(title))) or edition
    return exact, edition, loose
