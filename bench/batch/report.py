"""The printed table of a bench.batch run (from its results dict)."""
from __future__ import annotations

from bench.batch.estimate import ASSUMPTIONS, WORKER_COUNTS
from bench.batch.throughput import MAP_STAGES, SHUFFLE_STAGES

STAGES = (*MAP_STAGES, *SHUFFLE_STAGES)


def table(results: dict) -> str:
    lines: list[str] = []
    one, two = results["one_worker"], results["two_workers"]
    lines += _throughput(results, one, two)
    if results.get("briefs_sample"):
        lines += _briefs(results["briefs_sample"])
    lines += _memory(results)
    if results.get("agreement"):
        lines += _agreement(results["agreement"])
    lines += _estimate(results["estimate"])
    return "\n".join(lines)


def _row(label: str, *values, width: int = 48) -> str:
    return f"{label:<{width}}" + "".join(f"{_fmt(v):>14}" for v in values)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _throughput(results: dict, one: dict, two: dict) -> list[str]:
    lines = [f"Throughput: {one['items']:,} generated articles, --briefs {results['settings']['briefs']}, "
             f"partitions of {results['settings']['items_per_partition']} items "
             f"({one['report']['partitions']} partitions)",
             _row("", "1 worker", "2 workers", "2w / 1w"),
             _row("articles/s (whole batch)", one["articles_per_s"], two["articles_per_s"],
                  two["articles_per_s"] / one["articles_per_s"]),
             _row("wall seconds", one["wall_s"], two["wall_s"], None)]
    for stage in STAGES:
        a, b = one["stage_s"].get(stage), two["stage_s"].get(stage)
        kind = "map" if stage in MAP_STAGES else "whole input"
        lines.append(_row(f"  {stage} s ({kind})", a, b, a / b if a and b else None))
    lines.append(_row("  map stages s", one["map_s"], two["map_s"], one["map_s"] / two["map_s"]))
    lines.append(_row("  whole-input stages s", one["shuffle_s"], two["shuffle_s"],
                      one["shuffle_s"] / two["shuffle_s"] if two["shuffle_s"] else None))
    lines.append(_row("  whole-input share of wall", f"{one['shuffle_s'] / one['wall_s']:.0%}",
                      f"{two['shuffle_s'] / two['wall_s']:.0%}"))
    r = two["report"]
    lines.append(f"  kept {r['articles']:,} articles, {r['duplicates']} duplicates, {r['failed']} failed, "
                 f"{r['copies']} near-copies, {r['stories']:,} stories, {r['briefs']:,} briefs; "
                 f"cluster start-up {one['cluster_startup_s']} s / {two['cluster_startup_s']} s (not counted)")
    return lines + [""]


def _briefs(sample: dict) -> list[str]:
    return [f"Briefs on a sample of {sample['stories']} stories ({sample['articles']} articles), 1 worker",
            _row("", "text", "full"),
            _row("ms per story", sample["text_ms_per_story"], sample["full_ms_per_story"]),
            _row("extra worker-seconds per article for full", None, sample["extra_s_per_article"]),
            ""]


def _memory(results: dict) -> list[str]:
    lines = ["Peak RSS (MB), sampled every 0.5 s; the driver (this process) holds the scheduler too",
             f"{'':<48}{'each worker':>14}{'driver (at start)':>22}{'restarts':>10}"]
    for label, key in (("batch, 1 worker", "one_worker"), ("batch, 2 workers", "two_workers"),
                       ("full briefs sample, 1 worker", "briefs_sample")):
        memory = (results.get(key) or {}).get("memory")
        if memory:
            workers = " / ".join(str(p) for p in memory["worker_peak_mb"])
            driver = f"{memory['driver_peak_mb']} ({memory['driver_start_mb']})"
            lines.append(f"{label:<48}{workers:>14}{driver:>22}{memory['worker_restarts']:>10}")
    return lines + [""]


def _agreement(a: dict) -> list[str]:
    vs, add, gold = a["against_recluster"], a["add"], a["gold"]
    lines = [f"Agreement: {a['articles']:,} articles (JSONL and HTML/text files; a corpus of its own)",
             _row("", "single machine", "batch 2w"),
             _row("articles/s (add; batch)", add["articles_per_s"], a["batch"]["articles_per_s"]),
             _row("  recluster seconds", a["recluster"]["wall_s"], None),
             _row("peak RSS MB (add; a worker)", add["peak_rss_mb"], a["batch"]["memory"]["max_worker_peak_mb"]),
             _row("articles matched (by text)", vs["database_articles"], vs["batch_articles"]),
             f"  matched {vs['matched']:,}; summaries the same {vs['summaries_same']:,} / {vs['summaries_compared']:,}",
             f"  batch stories against recluster's: B3 P {vs['stories_precision']:.3f} R {vs['stories_recall']:.3f} "
             f"F1 {vs['stories_f1']:.3f} ({vs['batch_stories']} vs {vs['database_stories']} stories)",
             f"  batch stories against add's:       B3 P {a['against_add']['stories_precision']:.3f} "
             f"R {a['against_add']['stories_recall']:.3f} F1 {a['against_add']['stories_f1']:.3f}",
             f"  anchor, against the gold stories ({gold['articles_scored']:,} articles both kept, "
             f"{gold['batch']['gold_stories']} gold stories):"]
    for label in ("recluster", "add", "batch"):
        s = gold[label]
        lines.append(f"    {label:<10} B3 P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
                     f"({s['clusters']} clusters)")
    return lines + [""]


def _estimate(e: dict) -> list[str]:
    lines = [f"Estimate for {e['articles']:,} articles (a month): {e['per_worker_articles_per_s']} articles/s "
             f"per worker (scaling ratio {e['scaling_ratio']})",
             _row("", *e["modes"].keys())]
    modes = list(e["modes"].values())
    lines.append(_row("worker-seconds per article", *(m["worker_s_per_article"] for m in modes)))
    lines.append(_row("worker-hours", *(m["worker_hours"] for m in modes)))
    lines.append(_row("workers to finish in 24 h", *(m["workers_for_24h"] for m in modes)))
    for n in WORKER_COUNTS:
        lines.append(_row(f"hours with {n} workers", *(m["hours_with"][str(n)] for m in modes)))
    lines.append(_row("memory per worker, MB", *(m["memory_per_worker_mb"] for m in modes)))
    lines.append(f"Whole-input stages took {e['shuffle_share_1_worker']:.0%} (1 worker) and "
                 f"{e['shuffle_share_2_workers']:.0%} (2 workers) of the wall time. Assumes:")
    lines += [f"  - {' '.join(a.split())}" for a in ASSUMPTIONS]
    return lines
