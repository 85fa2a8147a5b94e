"""Evaluation results as a terminal table (method rows x metric columns) or as JSON."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

from .methods import HYBRID, Method
from .profiles import EvalCollection
from .runner import CUTOFFS, ProtocolResult

PROTOCOL_TITLES = {
    "kfold": "k-fold hold-out",
    "latest": "leave-latest-out (the most recently added albums held out)",
    "wanted": "wanted (profile = the collection, targets = the wantlist)",
}
# Per held-out album, macro over collectors (runner.ALBUM_METRICS): the collector
# benchmark's figures.
ALBUM_COLUMNS = (("HR@10", "hr@10"), ("HR@50", "hr@50"), ("new-artist HR@50", "new_artist_hr@50"))


def _figure(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_collectors(protocol: ProtocolResult) -> str:
    """Per-collector rows and the macro mean, per held-out album, for every method
    that is not a hybrid: what the issue's benchmark reports."""
    results = [r for r in protocol.methods if r.method.kind != HYBRID]
    if not results:
        return ""
    names = list(results[0].collectors)
    headers = ["method", "collector", "held-out", "new-artist"] + [h for h, _ in ALBUM_COLUMNS]
    rows = []
    for result in results:
        label = _label(result.method)
        held = sum(int(c["held_out"]) for c in result.collectors.values())
        fresh = sum(int(c["new_artist_held_out"]) for c in result.collectors.values())
        rows.append([label, f"macro ({len(names)})", str(held), str(fresh)]
                    + [_figure(result.macro.get(key)) for _, key in ALBUM_COLUMNS])
        if len(names) > 1:
            for name in names:
                row = result.collectors[name]
                rows.append(["", name, str(int(row["held_out"])), str(int(row["new_artist_held_out"]))]
                            + [_figure(row.get(key)) for _, key in ALBUM_COLUMNS])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["per collector: HR@k = held-out albums in the top k / held out; new-artist: "
             "held-out albums none of whose artists is in the profile; macro = mean over "
             "collectors"]
    lines.append("  ".join(h.ljust(w) if i < 2 else h.rjust(w)
                           for i, (h, w) in enumerate(zip(headers, widths))))
    for row in rows:
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)

# (header, metric key, format); the table shows what a person compares at a glance,
# JSON carries every metric at every cutoff.
COLUMNS = (
    ("HR@10", "hr@10", "{:.3f}"),
    ("HR@50", "hr@50", "{:.3f}"),
    ("HR@50 95% CI", None, None),
    ("hits@50", None, None),
    ("Recall@50", "recall@50", "{:.3f}"),
    ("nDCG@50", "ndcg@50", "{:.3f}"),
    ("MRR", "mrr", "{:.3f}"),
    ("Cov@50", "coverage@50", "{:.3f}"),
    ("ILD@10", "diversity@10", "{:.3f}"),
    ("Nov@10", "novelty@10", "{:.3f}"),
    ("vs default", None, None),
    ("macro HR@10", "macro:hr@10", None),
    ("macro HR@50", "macro:hr@50", None),
    ("new-artist HR@50", "macro:new_artist_hr@50", None),
)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cells(result) -> List[str]:
    cells = []
    for header, key, fmt in COLUMNS:
        if header == "HR@50 95% CI":
            low, high = result.ci95["hr@50"]
            cells.append(f"[{low:.2f}, {high:.2f}]")
        elif header == "vs default":
            paired = result.vs_default
            cells.append(f"+{paired['better']}/-{paired['worse']}" if paired else "")
        elif key and key.startswith("macro:"):
            cells.append(_figure(result.macro.get(key[len("macro:"):])))
        elif header == "hits@50":
            cells.append(f"{result.hits['@50']}/{result.hits['held_out']}")
        else:
            cells.append(fmt.format(result.metrics[key]))
    return cells


def _label(method: Method) -> str:
    return f"{method.name} (default)" if method.default else method.name


def format_protocol(protocol: ProtocolResult, unavailable: Sequence[Method],
                    hybrid_rows: Optional[int] = None) -> str:
    """One protocol's table; hybrids (a grid can be long) sorted best first, cut to
    `hybrid_rows` when given."""
    title = PROTOCOL_TITLES.get(protocol.name, protocol.name)
    lines = [f"{title}: {_count(protocol.test_cases, 'test case')}, "
             f"{_count(protocol.held_out, 'held-out album')}"]
    headers = ["method"] + [c[0] for c in COLUMNS]
    rows: List[List[str]] = []
    main = [r for r in protocol.methods if r.method.kind != HYBRID]
    hybrids = sorted((r for r in protocol.methods if r.method.kind == HYBRID),
                     key=lambda r: (-r.metrics["hr@50"], -r.metrics["mrr"], r.method.name))
    for result in main:
        rows.append([_label(result.method)] + _cells(result))
    for method in unavailable:
        if method.kind != HYBRID:
            rows.append([method.name, f"n/a: {method.reason}"])
    if hybrids:
        rows.append(["-- hybrids, best HR@50 first" + (f" (top {hybrid_rows} of {len(hybrids)})"
                     if hybrid_rows and len(hybrids) > hybrid_rows else "")])
        for result in hybrids[:hybrid_rows] if hybrid_rows else hybrids:
            rows.append([result.method.name] + _cells(result))
    measured = [r for r in rows if len(r) > 2]
    widths = [max([len(headers[0])] + [len(r[0]) for r in measured])]
    widths += [max([len(h)] + [len(r[i + 1]) for r in measured])
               for i, h in enumerate(headers[1:])]
    lines.append("  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                           for i, (h, w) in enumerate(zip(headers, widths))))
    for row in rows:
        if len(row) <= 2:
            lines.append("  ".join([row[0].ljust(widths[0])] + row[1:]))
        else:
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(row, widths))))
    silent = [r.method.name for r in protocol.methods
              if r.no_signal and r.method.name != "random"]
    if silent:
        lines.append(f"no signal for these profiles (every album tied, so the row is the random "
                     f"order): {', '.join(silent)}")
    if protocol.goal:
        lines.append(goal_line(protocol.goal))
    for check in protocol.checks:
        lines.append(check_line(check))
    table = format_collectors(protocol)
    if table:
        lines.append("")
        lines.append(table)
    return "\n".join(lines)


def check_line(check: Dict[str, Any]) -> str:
    ratio = check["ratio"]
    ratio_text = "inf" if math.isinf(ratio) else f"{ratio:.2f}x"
    verdict = "met" if check["met"] else "NOT met"
    metric = check["metric"].replace("new_artist_", "new-artist ").upper().replace("NEW-ARTIST", "new-artist")
    return (f"goal macro {metric} >= {check['target_ratio']:g}x {check['best_baseline']}"
            f" (best baseline): {check['default_method']} {check['default_value']:.3f} vs "
            f"{check['best_baseline_value']:.3f} = {ratio_text} ({verdict})")


def goal_line(goal: Dict[str, Any]) -> str:
    ratio = goal["ratio"]
    ratio_text = "inf" if math.isinf(ratio) else f"{ratio:.2f}x"
    verdict = "met" if goal["met"] else "NOT met"
    return (f"goal {goal['metric'].upper()} >= {goal['target_ratio']:g}x the best baseline: "
            f"{goal['default_method']} {goal['default_value']:.3f} vs {goal['best_baseline']} "
            f"{goal['best_baseline_value']:.3f} = {ratio_text} ({verdict})")


def format_report(header: Dict[str, Any], collections: Sequence[EvalCollection],
                  protocols: Sequence[ProtocolResult], unavailable: Sequence[Method],
                  hybrid_rows: Optional[int] = None) -> str:
    index = header["index"]
    lines = [f"index {index['build_id']} ({index['albums']:,} albums, text template "
             f"{index.get('text_template') or '?'}); seed {header['settings']['seed']}, "
             f"novelty from {header['novelty_basis']}"]
    for c in collections:
        how = ", ".join(f"{n} by {k.replace('_', ' and ')}" for k, n in sorted(c.matched.items()) if n)
        lines.append(f"collection {c.name}: {c.rows} rows -> {len(c.album_ids)} albums "
                     f"({len(c.added)} with a date added" + (f"; rows matched {how}" if how else "")
                     + ")")
        if c.unknown_count:
            lines.append(f"  {c.unknown_count} rows not in the index: {c.unknown_reason}")
    for protocol in protocols:
        lines.append("")
        lines.append(format_protocol(protocol, unavailable, hybrid_rows))
    lines.append("")
    lines.append("HR: share of test cases with a held-out album in the top k; hits: held-out "
                 "albums in the top 50 / all held out; vs default: held-out albums ranked "
                 "higher/lower than by the default. Few held-out albums make wide intervals: "
                 "see docs/evaluation.md.")
    return "\n".join(lines)


def _finite(value: float) -> Any:
    return None if isinstance(value, float) and (math.isinf(value) or math.isnan(value)) else value


def to_json(header: Dict[str, Any], collections: Sequence[EvalCollection],
            protocols: Sequence[ProtocolResult], unavailable: Sequence[Method]) -> Dict[str, Any]:
    def method_json(result) -> Dict[str, Any]:
        m = result.method
        return {"name": m.name, "kind": m.kind, "description": m.description,
                "default": m.default, "available": True, "params": m.params,
                "metrics": {k: round(v, 6) for k, v in result.metrics.items()},
                "ci95": {k: [round(x, 6) for x in v] for k, v in result.ci95.items()},
                "hits": result.hits, "by_collection": result.by_collection,
                "vs_default": result.vs_default, "no_signal": result.no_signal,
                "macro": result.macro, "collectors": result.collectors}

    out = dict(header)
    out["cutoffs"] = list(CUTOFFS)
    out["collections"] = [c.summary() for c in collections]
    out["protocols"] = []
    for protocol in protocols:
        goal = dict(protocol.goal) if protocol.goal else None
        if goal:
            goal["ratio"] = _finite(goal["ratio"])
        out["protocols"].append({
            "name": protocol.name, "test_cases": protocol.test_cases,
            "held_out": protocol.held_out,
            "methods": [method_json(r) for r in protocol.methods] + [
                {"name": m.name, "kind": m.kind, "description": m.description,
                 "default": m.default, "available": False, "reason": m.reason}
                for m in unavailable],
            "goal": goal,
            "checks": [{**c, "ratio": _finite(c["ratio"])} for c in protocol.checks],
        })
    return out
