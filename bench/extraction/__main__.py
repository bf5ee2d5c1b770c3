"""python -m bench.extraction [--shared PATH] [--limit N] [--repeat R] [--worst K]

Scores Storyline's extractor and the stored outputs of published extractors on
the ScrapingHub article-extraction benchmark (181 news pages), all with the
same code in the same run. See bench/README.md and scoring.py for the metric.
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from .data import ANCHORS, Page, load_anchor, load_pages
from .harness import run
from .scoring import Score, score_outputs


def load_storyline() -> Callable[[Page], str | None] | None:
    try:
        from storyline.extract import extract_html
    except Exception as exc:  # not written yet, or broken: skip its row
        print(f"note: storyline.extract unavailable ({type(exc).__name__}: {exc}); skipping the storyline row")
        return None

    from storyline.extract.language import detect

    detect("Load the language model now: it is a one-time cost of the process, not of a page.")

    def storyline(page: Page) -> str | None:
        # Bytes as fetched: the extractor decodes them itself, as it would in production.
        return extract_html(page.html, url=page.url).text
    return storyline


def row(name: str, s: Score, note: str = "") -> str:
    return f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}" + (f"  {note}" if note else "")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--limit", type=int, help="first N pages only (anchors are scored on the same pages)")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes for storyline; the fastest counts")
    ap.add_argument("--worst", type=int, default=0, help="also list storyline's K lowest-F1 pages")
    args = ap.parse_args(argv)
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    pages = load_pages(args.shared, args.limit)
    truths = {p.id: p.truth for p in pages}
    print(f"ScrapingHub article-extraction benchmark: {len(pages)} pages; "
          "4-token shingles, per-page P/R averaged, F1 of the means")
    print(f"{'system':<16} {'P':>6} {'R':>6} {'F1':>6}")

    extractor = load_storyline()
    if extractor:
        r = run(extractor, pages, memory=True, repeat=args.repeat)
        s, per_page = score_outputs(truths, r.outputs)
        note = (f"{r.pages_per_s:.1f} pages/s (extraction only, 1 process, after a warm-up page), "
                f"tracemalloc peak {r.tracemalloc_mb:.1f} MB, ru_maxrss {r.maxrss_mb:.0f} MB"
                + (f", {r.errors} pages raised" if r.errors else ""))
        print(row("storyline", s, note))
    for name, stem in ANCHORS:
        try:
            outputs, version = load_anchor(stem, args.shared)
        except FileNotFoundError:
            print(f"{name:<16} (no stored outputs)")
            continue
        s, _ = score_outputs(truths, outputs)
        print(row(name, s, f"stored outputs{' v' + version if version else ''}"))

    if extractor and args.worst:
        print(f"\nstoryline's {args.worst} lowest-F1 pages:")
        by_id = {p.id: p for p in pages}
        for key, ps in sorted(per_page.items(), key=lambda kv: kv[1].f1)[: args.worst]:
            print(f"  F1 {ps.f1:.3f} P {ps.precision:.3f} R {ps.recall:.3f}  {key[:12]}  {by_id[key].url}")


if __name__ == "__main__":
    main()
