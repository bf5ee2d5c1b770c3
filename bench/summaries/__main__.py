"""python -m bench.summaries [--shared PATH] [--limit N] [--dataset cnndm|xsum|both]"""
from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from .baselines import SUMY, lead, lead_words, sumy_summarizer
from .data import DATASETS, load
from .scoring import Score, score_system
from .text import count_words


def load_storyline():
    try:
        from storyline.summary import summarize
    except Exception as exc:  # not written yet, or broken: skip its rows
        print(f"note: storyline.summary unavailable ({type(exc).__name__}: {exc}); skipping storyline rows")
        return None
    return summarize


def run_storyline(summarize, texts: list[str]) -> tuple[list[list[str]], str]:
    """Summaries plus a perf note: summarize() wall time only, after a warm-up call."""
    summarize(texts[0])
    outputs, spent = [], 0.0
    for text in texts:
        start = time.perf_counter()
        summary = summarize(text)
        spent += time.perf_counter() - start
        outputs.append([s.text for s in summary.sentences])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()  # second pass: tracemalloc slows allocation, so it stays out of the timing
    for text in texts:
        summarize(text)
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return outputs, f"{len(texts) / spent:.1f} articles/s, ru_maxrss {rss_mb:.0f} MB, tracemalloc peak {peak_mb:.1f} MB"


def print_table(title: str, rows: list[Score]) -> None:
    print(f"\n{title}")
    print(f"{'system':<12} {'R-1':>5} {'R-2':>5} {'R-Lsum':>6} {'words':>6}")
    for r in rows:
        print(f"{r.name:<12} {r.r1:5.1f} {r.r2:5.1f} {r.rlsum:6.1f} {r.words:6.1f}" + (f"  {r.note}" if r.note else ""))


def bench(dataset: str, shared: str | None, limit: int | None, summarize) -> list[Score]:
    articles, dropped = load(dataset, shared, limit)
    texts = [a.text for a in articles]
    refs = [a.reference for a in articles]
    rows = []
    if summarize:
        ours, perf = run_storyline(summarize, texts)
        rows.append(score_system("storyline", ours, refs, perf))
    rows.append(score_system("Lead-3", [lead(t) for t in texts], refs))
    if summarize:
        rows.append(score_system("Lead@ours", [lead_words(t, count_words(" ".join(o))) for t, o in zip(texts, ours)], refs))
    for name in SUMY:
        run = sumy_summarizer(name)
        rows.append(score_system(name, [run(t) for t in texts], refs))
    for name in articles[0].systems:
        rows.append(score_system(name, [a.systems[name] for a in articles], refs, "stored"))
    note = f", {dropped} without reference skipped" if dropped else ""
    print_table(f"{dataset}_dev: {len(articles)} articles{note}", rows)
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.summaries", description=__doc__)
    p.add_argument("--shared", help="shared data folder (default: $STORYLINE_SHARED or ../shared)")
    p.add_argument("--limit", type=int, help="first N articles of each set")
    p.add_argument("--dataset", choices=[*DATASETS, "both"], default="both")
    args = p.parse_args(argv)
    summarize = load_storyline()
    for dataset in DATASETS if args.dataset == "both" else [args.dataset]:
        try:
            bench(dataset, args.shared, args.limit, summarize)
        except FileNotFoundError as exc:
            p.error(f"{exc.filename} not found: pass --shared or set STORYLINE_SHARED")


if __name__ == "__main__":
    main()
