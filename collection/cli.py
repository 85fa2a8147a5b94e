"""`discogs-recs recommend`: recommendations for a Discogs user or an export, in a terminal."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import click


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "\u2026"


def format_table(items: List[Dict[str, Any]], width: Optional[int] = None) -> str:
    """Rank, title, artist, year and 'because' as aligned columns that fit the terminal."""
    if not items:
        return "no recommendations"
    width = width or shutil.get_terminal_size((120, 24)).columns
    rows = [(str(n), item.get("title") or "", item.get("artist") or "", str(item.get("year") or ""),
             "; ".join(b.get("title") or "" for b in item.get("because") or []))
            for n, item in enumerate(items, 1)]
    header = ("#", "title", "artist", "year", "because")
    fixed = [max(len(r[0]) for r in rows + [header]), 0, 0, 4]
    room = max(width - fixed[0] - fixed[3] - 8, 30)
    fixed[1] = min(max(len(r[1]) for r in rows), max(room * 2 // 5, 12))
    fixed[2] = min(max(len(r[2]) for r in rows), max(room * 1 // 4, 10))
    because_width = max(room - fixed[1] - fixed[2], 10)
    lines = []
    for row in [header] + rows:
        cells = [row[0].rjust(fixed[0]), _cut(row[1], fixed[1]).ljust(fixed[1]),
                 _cut(row[2], fixed[2]).ljust(fixed[2]), row[3].ljust(fixed[3]),
                 _cut(row[4], because_width)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _summary_lines(answer: Dict[str, Any]) -> List[str]:
    lines = []
    collection = answer.get("collection")
    if collection:
        source = "cached" if collection["from_cache"] else "fetched"
        lines.append(f"{collection['username']}: {collection['releases']} in the collection, "
                     f"{collection['wantlist']} wanted ({source} {collection['fetched_at']})"
                     + ("; the wantlist is private" if collection.get("wantlist_private") else ""))
    export = answer.get("export")
    if export:
        lines.append(f"{export['kind']} export: {export['rows']} rows, {export['used']} used, "
                     f"encoding {export['encoding']}")
        for problem in export["malformed_rows"]:
            lines.append(f"  line {problem['line']}: {problem['reason']}"
                         + (" (skipped)" if problem.get("skipped") else ""))
        if export["malformed"] > len(export["malformed_rows"]):
            lines.append(f"  ... {export['malformed'] - len(export['malformed_rows'])} more")
    library = answer.get("library")
    if library:
        lines.append(f"{library['format']}: {library['albums_read']} albums and "
                     f"{library['tracks_read']} album-less tracks read ({library['plays']} plays); "
                     f"{library['matched']} albums of this index matched "
                     f"({library['match_rate']:.0%} of what was read)")
        for problem in library["problem_rows"]:
            lines.append(f"  {problem['where']}: {problem['reason']}"
                         + (" (skipped)" if problem.get("skipped") else ""))
        if library["problems"] > len(library["problem_rows"]):
            lines.append(f"  ... {library['problems'] - len(library['problem_rows'])} more")
        shown = library["unmatched"][:10]
        if shown:
            lines.append(f"  not in this index ({library['unmatched_count']}), most played first: "
                         + "; ".join(f"{u['artist']} - {u.get('album') or u.get('track')}"
                                     for u in shown))
        if library.get("note"):
            lines.append(f"  note: {library['note']}")
        return lines
    profile = answer["profile"]
    matched = profile["matched"]
    lines.append(f"profile: {profile['albums']} albums (by release {matched['release']}, by master "
                 f"{matched['master']}, by artist and title {matched['artist_title']}, embedded "
                 f"{matched['embedded']}); {profile['unknown']} records not in this index"
                 + (f" (embedding {profile['embedding']})" if profile["embedding"].startswith("unavailable") else ""))
    return lines


@click.command()
@click.option("--index", "index_dir", required=True, metavar="DIR", envvar="DISCOGS_RECS_INDEX_DIR",
              help="Index folder (DIR/manifest.json), as built by `discogs-recs build --out DIR`.")
@click.option("--user", "username", metavar="NAME",
              help="A Discogs username: its public collection and wantlist are fetched.")
@click.option("--export", "export_file", metavar="FILE.csv",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A collection or wantlist export from discogs.com (CSV, or its zip).")
@click.option("--library", "library_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A Spotify, Apple Music or Last.fm file (YourLibrary.json, a streaming "
                   "history, the Spotify export's zip, Apple Music Library Tracks.json, "
                   "Library.xml, a scrobbles CSV); the format is read from the content.")
@click.option("--k", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="How many albums to recommend.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer instead of a table.")
@click.option("--strategy", default="auto", show_default=True,
              type=click.Choice(["auto", "max", "rrf", "mean", "kmeans"]),
              help="How owned albums are combined.")
@click.option("--kind", type=click.Choice(["collection", "wantlist"]),
              help="What the export is (default: read from its columns).")
@click.option("--refresh", is_flag=True, help="Fetch the collection again even if cached.")
@click.option("--embed/--no-embed", "embed", default=None,
              help="Embed records the index lacks with the index's model (default: on; "
                   "DISCOGS_RECS_EMBED_UNKNOWN=0 turns it off).")
def recommend(index_dir: str, username: Optional[str], export_file: Optional[Path],
              library_file: Optional[Path], k: int, as_json: bool, strategy: str,
              kind: Optional[str], refresh: bool, embed: Optional[bool]) -> None:
    """Recommend albums for a Discogs collection (a username or an export file) or for
    what you listen to (a Spotify, Apple Music or Last.fm file).

    A personal token (private collections, a higher rate limit) is read from
    DISCOGS_RECS_DISCOGS_TOKEN, never from the command line. Fetched collections are
    cached for an hour (DISCOGS_RECS_COLLECTION_CACHE_TTL) in
    ~/.cache/discogs-recs/collections.sqlite (DISCOGS_RECS_COLLECTION_CACHE).

    \b
    Examples:
      discogs-recs recommend --index data/index --user gustw
      discogs-recs recommend --index data/index --export gustw-collection-20250101.csv --k 10
      discogs-recs recommend --index data/index --library my_spotify_data.zip
      discogs-recs recommend --index data/index --library "Apple Music Library Tracks.json"
      discogs-recs recommend --index data/index --user gustw --json | jq '.recommendations[].title'
    """
    from collection.errors import CollectionError
    from collection.recommend import RecommendOptions
    from collection.service import CollectionService
    from collection.settings import CollectionSettings
    from recommender.store import IndexStore, NoIndexError

    if sum(bool(x) for x in (username, export_file, library_file)) != 1:
        raise click.UsageError("give either --user NAME or --export FILE.csv, or --library FILE "
                               "(one of them)")
    settings = CollectionSettings.from_environment(embed_default=True)
    if embed is not None:
        settings = settings.__class__(**{**settings.__dict__, "embed_unknown": embed})
    options = RecommendOptions(k=k, strategy=strategy)
    try:
        store = IndexStore.open(index_dir)
        service = CollectionService(settings)
        if username:
            answer = service.for_user(store, username, options=options, refresh=refresh)
        elif library_file:
            with library_file.open("rb") as handle:
                answer = service.for_library(store, handle, library_file.name, options)
        else:
            answer = service.for_export(store, export_file.read_bytes(), options, kind)
    except (CollectionError, NoIndexError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
        return
    for line in _summary_lines(answer):
        click.echo(line, err=True)
    click.echo(format_table(answer["recommendations"]))


def register(main: click.Group) -> None:
    main.add_command(recommend)
