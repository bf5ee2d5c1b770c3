"""python -m bench.batch [--articles 20000] [--agreement-articles 3000] [--briefs text]
                       [--brief-sample 50] [--partition-size 250] [--seed 16] [--work DIR] [--save]

`storyline batch` on local Dask clusters: articles/s with 1 and 2 workers (the
scaling ratio), peak memory per worker, agreement with `storyline add` and
`recluster`, and what a 10-million-article month would need (see
bench/batch/__init__.py and README.md)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import dask

from bench.batch import agreement
from bench.batch.estimate import estimate
from bench.batch.report import table
from bench.batch.throughput import local_cluster, run_whole_batch, time_full_briefs
from storyline.batch import BatchSettings
from tests.batch_corpus import build

RESULTS = Path(__file__).with_name("results.json")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.batch", description=" ".join(__doc__.splitlines()[3:]))
    parser.add_argument("--articles", type=int, default=20_000, help="generated articles for the throughput runs")
    parser.add_argument("--agreement-articles", type=int, default=3_000,
                        help="generated articles of a corpus of their own for the agreement with `storyline add` "
                             "(its JSONL and HTML/text parts, about 70%%, are used); 0 skips it")
    parser.add_argument("--briefs", choices=("text", "full", "none"), default="text",
                        help="the batch's briefs in the throughput runs (default text: without facts and vectors; "
                             "full briefs are timed on a sample instead)")
    parser.add_argument("--brief-sample", type=int, default=50, help="stories in the full-brief sample; 0 skips it")
    parser.add_argument("--partition-size", type=int, default=250, help="input items per partition")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--work", metavar="DIR", help="keep corpora and results here (default: a temporary "
                                                      "folder, removed after)")
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS}")
    args = parser.parse_args(argv)
    if args.articles < 100:
        parser.error("--articles must be at least 100")
    if args.agreement_articles and args.agreement_articles < 100:
        parser.error("--agreement-articles must be 0 or at least 100")
    if args.brief_sample < 0 or args.partition_size < 1:
        parser.error("--brief-sample must be 0 or more, --partition-size at least 1")
    return args


def machine() -> dict:
    import distributed

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "dask": dask.__version__, "distributed": distributed.__version__,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def measure(args: argparse.Namespace, work: Path) -> dict:
    settings = BatchSettings(items_per_partition=args.partition_size, briefs=args.briefs)
    print(f"building {args.articles:,} generated articles ...", flush=True)
    started = time.monotonic()
    corpus = build(work / "corpus", articles=args.articles, seed=args.seed)
    inputs, items = corpus.inputs, len(corpus.articles)
    del corpus  # the gold labels are not needed here; keep the driver's memory the batch's own
    results = {"machine": machine(), "settings": {**vars(settings), "articles": args.articles,
                                                   "agreement_articles": args.agreement_articles,
                                                   "brief_sample": args.brief_sample, "seed": args.seed},
               "corpus_build_s": round(time.monotonic() - started, 1)}
    with local_cluster(1) as client:
        print("batch with 1 worker ...", flush=True)
        results["one_worker"] = run_whole_batch(client, inputs, work / "out-1", settings, items, "1 worker")
        if args.brief_sample:
            print(f"full briefs on {args.brief_sample} stories, 1 worker ...", flush=True)
            results["briefs_sample"] = time_full_briefs(client, work / "out-1", work / "briefs-sample",
                                                        args.brief_sample, args.seed)
    with local_cluster(2) as client:
        print("batch with 2 workers ...", flush=True)
        results["two_workers"] = run_whole_batch(client, inputs, work / "out-2", settings, items, "2 workers")
        if args.agreement_articles:
            results["agreement"] = agreement.measure(client, work / "agreement", args.agreement_articles,
                                                     args.seed + 1, settings)
    results["estimate"] = estimate(results["one_worker"], results["two_workers"], results.get("briefs_sample"),
                                   measured=args.briefs)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = time.monotonic()
    if args.work:
        work = Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        if any(work.iterdir()):
            raise SystemExit(f"bench.batch: {work} is not empty")
        results = measure(args, work)
    else:
        work = Path(tempfile.mkdtemp(prefix="storyline-bench-batch-"))
        try:
            results = measure(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results["wall_s"] = round(time.monotonic() - started, 1)
    m = results["machine"]
    print()
    print(f"machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, dask {m['dask']}, "
          f"load average {m['load_average_at_start'][0]} at start, {m['load_average_at_end'][0]} at end")
    print(table(results))
    print(f"wall time {results['wall_s'] / 60:.1f} min")
    if args.save:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
