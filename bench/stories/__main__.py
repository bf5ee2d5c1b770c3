"""python -m bench.stories [--shared PATH] [--seed N]

Incremental story clustering vs. a batch baseline, B-cubed against the gold stories:
Multi-News dev pool (cluster_id), ECB+ (event_cluster, and topic as the trap). Documents
arrive one at a time in a random.Random(seed) shuffle. Neither set carries dates, so no time
window applies. See bench/README.md.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from .baseline import agglomerative_linkage, cut
from .data import B3, Doc, bcubed, load_background, load_ecbplus, load_multinews


def make_clusterer():
    from storyline.cluster import StoryClusterer

    return "storyline", StoryClusterer


def run_incremental(factory, docs: list[Doc], background: list[str]):
    """Labels (None = not-article) and per-add times in ms. DF warm-up, if the clusterer has
    ``prime``, uses unrelated articles only (CNN/DM + XSum), never the evaluated set."""
    c = factory()
    if hasattr(c, "prime") and background:
        c.prime(background)
    pred: dict[str, str | None] = {}
    times = []
    for d in docs:
        t0 = time.perf_counter()
        sid = c.add(d.id, d.text, title=None, published=None)
        times.append((time.perf_counter() - t0) * 1000)
        pred[d.id] = None if sid is None else str(sid)
    return pred, times


def tune_baseline(z: np.ndarray, docs: list[Doc]) -> float:
    gold = {d.id: d.gold for d in docs}
    best = (-1.0, 0.0)
    for t in np.arange(0.50, 0.991, 0.01):
        lab = cut(z, float(t))
        f = bcubed({d.id: str(x) for d, x in zip(docs, lab)}, gold).f1
        best = max(best, (f, float(t)))
    return best[1]


def fmt(name: str, s: B3, note: str = "") -> str:
    return f"  {name:<26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.clusters:6d}" + (f"  {note}" if note else "")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__)
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--seed", type=int, default=13, help="arrival-order shuffle seed (default 13)")
    args = ap.parse_args(argv)

    mn = load_multinews(args.shared, args.seed)
    ecb = load_ecbplus(args.shared, args.seed)
    background = load_background(args.shared)
    label, factory = make_clusterer()

    # Baseline: threshold tuned on the Multi-News pool, applied unchanged to ECB+.
    z_mn = agglomerative_linkage([d.text for d in mn])
    z_ecb = agglomerative_linkage([d.text for d in ecb])
    t_base = tune_baseline(z_mn, mn)
    base = {"mn": cut(z_mn, t_base), "ecb": cut(z_ecb, t_base)}

    print(f"Story clustering, B-cubed; arrival order random.Random({args.seed}); no dates in either set "
          "(no time window). Not-articles (label None) score as singletons.")
    print(f"  {'system':<26} {'P':>6} {'R':>6} {'F1':>6} {'clust':>6}")
    all_times: list[float] = []
    for key, name, docs, goldattr in (("mn", "Multi-News pool (690 docs, cluster_id)", mn, "gold"),
                                      ("ecb", "ECB+ vs event_cluster (976 docs)", ecb, "gold"),
                                      ("ecb", "ECB+ vs topic", ecb, "topic")):
        gold = {d.id: getattr(d, goldattr) for d in docs}
        if goldattr == "gold":
            pred, times = run_incremental(factory, docs, background)
            all_times += times
        rejected = [i for i, v in pred.items() if v is None]
        print(name)
        print(fmt(label, bcubed(pred, gold),
                  f"{len(rejected)} not-articles; median add {statistics.median(times):.2f} ms, "
                  f"p99 {np.percentile(times, 99):.2f} ms"))
        if rejected:
            kept = {i: g for i, g in gold.items() if pred[i] is not None}
            print(fmt(label + " (w/o not-art.)", bcubed(pred, kept),
                      "not-articles dropped from pred and gold"))
        bpred = {d.id: str(x) for d, x in zip(docs, base[key])}
        print(fmt("agglomerative", bcubed(bpred, gold), f"TF-IDF, average link, cosine distance <= {t_base:.2f}"))
        if rejected:
            fpred = {i: (None if pred[i] is None else v) for i, v in bpred.items()}
            print(fmt("agglomerative+filter", bcubed(fpred, gold), f"same, {label}'s not-articles as singletons"))
    print(f"time per add over both sets: median {statistics.median(all_times):.2f} ms, "
          f"max {max(all_times):.1f} ms ({len(all_times)} adds, one process)")


if __name__ == "__main__":
    main()
