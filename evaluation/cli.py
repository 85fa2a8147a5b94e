"""`discogs-recs evaluate`: how well does the recommender know a collector's taste?"""
from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable, List, Optional, Sequence

import click

from .splits import KFOLD, LATEST, PROTOCOLS, WANTED

API_URL_ENV = "DISCOGS_RECS_DISCOGS_API_URL"


class EvaluationError(Exception):
    """Nothing to evaluate; the message says what to pass."""


def _friendly_errors(func: Callable) -> Callable:
    """Expected failures become one line on stderr and exit status 1."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from recommender.store import NoIndexError

        from .collection_input import CollectionInputError

        try:
            return func(*args, **kwargs)
        except (NoIndexError, CollectionInputError, EvaluationError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    return wrapper


def _collections(exports: Sequence[str], users: Sequence[str], release_ids: Optional[str],
                 master_ids: Optional[str], api_url: Optional[str],
                 collectors: Sequence[str] = ()):
    from .collection_input import from_discogs_user, from_id_lists, parse_id_list
    from .collectors import exports_in, read_collectors

    inputs = [c for folder in collectors for c in read_collectors(folder)]
    inputs += [c for path in exports for c in exports_in(path)]
    inputs += [from_discogs_user(user, api_url) for user in users]
    releases = parse_id_list(release_ids, "--release-ids")
    masters = parse_id_list(master_ids, "--master-ids")
    if releases or masters:
        inputs.append(from_id_lists(releases, masters))
    if not inputs:
        raise EvaluationError("say whose collection to evaluate: --export FILE (the CSV from "
                              "discogs.com), --collectors DIR, --user NAME, --release-ids 1,2,3 or --master-ids 4,5,6")
    return inputs


def _usable(store, inputs, match_titles: bool) -> List:
    from .profiles import resolve

    collections = []
    for given in inputs:
        collection = resolve(store, given, match_titles)
        if len(collection.album_ids) < 2:
            detail = f" ({collection.unknown_count} rows not in the index: " \
                     f"{collection.unknown_reason})" if collection.unknown_count else ""
            click.echo(f"warning: {collection.name}: {len(collection.album_ids)} album(s) in "
                       f"this index{detail}; a hold-out needs at least 2, skipped", err=True)
            continue
        collections.append(collection)
    if not collections:
        raise EvaluationError("no collection has 2 or more albums in this index, so nothing can "
                              "be held out; check that the index covers the collection (release "
                              "ids need an index built with --releases; or pass --master-ids)")
    return collections


def _parse_hybrids(specs: Sequence[str]):
    from .methods import HybridWeights

    try:
        return [HybridWeights.parse(spec) for spec in specs]
    except ValueError as exc:
        raise EvaluationError(f"--hybrid: {exc}") from exc


@click.command()
@click.option("--index", "index_dir", required=True, metavar="DIR",
              help="A published index folder (discogs-recs build --out DIR).")
@click.option("--export", "exports", multiple=True, metavar="FILE|DIR",
              help="A collection export CSV from discogs.com, or a folder of them (repeatable: "
                   "one collector each). A master_id column is used when present.")
@click.option("--collectors", "collector_dirs", multiple=True, metavar="DIR",
              help="A benchmark folder of collectors: DIR/users/<user>.json with owned and "
                   "wanted entries (../shared/data/collectors). Repeatable.")
@click.option("--user", "users", multiple=True, metavar="NAME",
              help="A Discogs username whose public collection is fetched (repeatable).")
@click.option("--api-url", envvar=API_URL_ENV, metavar="URL",
              help=f"Discogs API base URL for --user (env {API_URL_ENV}).")
@click.option("--release-ids", metavar="IDS", help="Owned release ids, e.g. 1842334,3481603.")
@click.option("--master-ids", metavar="IDS", help="Owned master ids, e.g. 16921,31598.")
@click.option("--title-match/--no-title-match", default=True, show_default=True,
              help="Match rows the index has no id for by artist and title (a few such "
                   "matches can be wrong).")
@click.option("--folds", type=click.IntRange(min=0), default=5, show_default=True,
              help="k of the k-fold hold-out (capped at the album count); 0 = leave-one-out.")
@click.option("--protocol", type=click.Choice(PROTOCOLS + ("all",)), default="all",
              show_default=True, help="k-fold, leave-latest-out by date added, the wanted "
                                      "task (profile = collection, targets = wantlist), or "
                                      "all that apply.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Fixes fold assignment, the random baseline and tie-breaking.")
@click.option("--methods", "method_names", metavar="NAMES",
              help="Only these methods, comma-separated (default: all).")
@click.option("--hybrid", "hybrid_specs", multiple=True, metavar="WEIGHTS",
              help="Also evaluate the default strategy plus side signals, e.g. "
                   "style=0.1,artist=0.05 (signals: style, artist, label, year, popularity; "
                   "strategy=NAME to change the base, strategy=none for the signals alone). "
                   "Repeatable.")
@click.option("--diversity", type=click.FloatRange(0.0, 1.0), default=None,
              help="MMR diversity of the 'served' row (default: the server's).")
@click.option("--max-per-artist", type=click.IntRange(min=0), default=None,
              help="Cap per artist of the 'served' row, 0 = none (default: the server's).")
@click.option("--grid", is_flag=True, help="Also grid-search hybrid weights (slower).")
@click.option("--hybrid-rows", type=click.IntRange(min=1), default=10, show_default=True,
              help="Hybrid rows shown in the table (JSON has all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of the table.")
@click.pass_context
@_friendly_errors
def evaluate(ctx: click.Context, index_dir: str, exports: Sequence[str],
             collector_dirs: Sequence[str], users: Sequence[str],
             api_url: Optional[str], release_ids: Optional[str], master_ids: Optional[str],
             title_match: bool, folds: int, protocol: str, seed: int, method_names: Optional[str],
             hybrid_specs: Sequence[str], diversity: Optional[float],
             max_per_artist: Optional[int], grid: bool, hybrid_rows: int,
             as_json: bool) -> None:
    """Hold-out evaluation of the recommender and baselines on a collection.

    Albums of the collection are held out (k-fold, and the most recently added ones
    when dates exist); every method ranks the whole catalogue from the rest, and the
    table reports how high the held-out albums come: HR@10, HR@50, recall, nDCG, MRR,
    plus catalogue coverage, intra-list diversity and novelty. Methods: random,
    popularity, genre-style, same-artist, same-label, the recommender's strategies
    (mean, max, rrf, kmeans), served (recommend() as the API answers) and hybrids.

    \b
    With several collectors (--collectors DIR, repeated --export, --export DIR) every
    figure is also given per collector and macro-averaged over them: HR@10, HR@50 and
    new-artist HR@50 per held-out album (the share of a collector's held-out albums in
    the top k; new-artist: held-out albums none of whose artists is in the profile).

    \b
    Examples:
      discogs-recs evaluate --index /tmp/i12/masters --collectors ../shared/data/collectors
      discogs-recs evaluate --index data/index --export my_collection.csv
      discogs-recs evaluate --index /tmp/pop-idx \\
          --export ../shared/data/eval/gustw_in_popular_masters.csv \\
          --export ../shared/data/eval/mouse-reeve_in_popular_masters.csv --folds 0 --grid
      discogs-recs evaluate --index data/index --master-ids 16921,31598,13814,45432 --json
    """
    from recommender.engine import Recommender
    from recommender.store import IndexStore

    from .catalogue import load_facts
    from .methods import hybrid_grid, select_methods, standard_methods
    from .report import format_report, to_json
    from .runner import Evaluator, make_splits

    progress = bool(ctx.obj and ctx.obj.get("progress")) and sys.stderr.isatty()
    inputs = _collections(exports, users, release_ids, master_ids, api_url, collector_dirs)
    hybrids = _parse_hybrids(hybrid_specs)
    store = IndexStore.open(index_dir)
    collections = _usable(store, inputs, title_match)
    facts = load_facts(store)
    engine = Recommender(store)
    if grid:
        hybrids += [w for w in hybrid_grid(facts) if w not in hybrids]
    names = [n.strip() for n in (method_names or "").split(",") if n.strip()]
    try:
        methods = select_methods(standard_methods(engine, facts, hybrids, diversity,
                                                  max_per_artist), names)
    except ValueError as exc:
        raise EvaluationError(f"--methods: {exc}") from exc
    evaluator = Evaluator(store, facts, methods, seed=seed, progress=progress, engine=engine)
    results = []
    for name in ((KFOLD, LATEST, WANTED) if protocol == "all" else (protocol,)):
        result = evaluator.run_protocol(name, make_splits(collections, name, folds, seed))
        if result is not None:
            results.append(result)
        elif name == LATEST:
            click.echo("note: no leave-latest-out: it needs the date added of at least 2 "
                       "albums of a collection (export CSVs have it; id lists do not)", err=True)
        elif name == WANTED and protocol == WANTED:
            click.echo("note: no wanted task: no collection has a wantlist in this index "
                       "(users/*.json \"wanted\" entries)", err=True)
    header = {
        "index": {**store.summary(), "dir": index_dir,
                  "text_template": store.manifest.get("text_template"),
                  "releases_indexed": bool((store.manifest.get("counts") or {}).get("releases"))},
        "settings": {"folds": folds, "seed": seed, "protocols": [r.name for r in results]},
        "novelty_basis": evaluator.novelty_basis,
    }
    if as_json:
        click.echo(json.dumps(to_json(header, collections, results, evaluator.unavailable),
                              indent=2, sort_keys=False))
    else:
        click.echo(format_report(header, collections, results, evaluator.unavailable, hybrid_rows))


def register(main: click.Group) -> None:
    main.add_command(evaluate)
