"""python -m bench.extraction [--set scrapinghub|trafilatura|both] [--shared PATH] [--limit N]
                             [--repeat R] [--modes default,fast,favor_recall] [--worst K]

Scores Storyline's extractor, all with the same code in the same run:
- on trafilatura's evaluation set (990 pages, many languages; its snippet metric), beside
  trafilatura.extract() run here in its default, fast=True and favor_recall=True modes;
- on the ScrapingHub article-extraction benchmark (181 news pages; 4-token shingles), beside
  the stored outputs of published extractors.
See bench/README.md, scoring.py and trafeval.py for the metrics.
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from .data import ANCHORS, Page, load_anchor, load_pages
from .harness import Run, run
from .scoring import Score, score_outputs
from .trafeval import Counts, EvalPage, load_eval_pages, score_eval

# trafilatura's canonical evaluation options (its tests/eval_common.py), with each mode's flags.
# Each mode is trafilatura.extract() with its default settings but for the named
# flag; "no_comments" (comments left out, as a news reader wants) is a stricter anchor.
TRAFILATURA_MODES = {"default": {}, "fast": {"fast": True}, "favor_recall": {"favor_recall": True},
                     "no_comments": {"include_comments": False}}


def load_storyline() -> Callable[[Page], str | None] | None:
    try:
        from storyline.extract import ExtractionError, extract_html
    except Exception as exc:  # not written yet, or broken: skip its row
        print(f"note: storyline.extract unavailable ({type(exc).__name__}: {exc}); skipping the storyline row")
        return None

    from storyline.extract.language import detect

    detect("Load the language model now: it is a one-time cost of the process, not of a page.")

    def storyline(page: Page) -> str | None:
        # Bytes as fetched: the extractor decodes them itself, as it would in production.
        try:
            return extract_html(page.html, url=page.url).text
        except ExtractionError:  # a refusal is an empty output, not a crash
            return ""
    return storyline


def trafilatura_mode(mode: str) -> Callable[[Page], str | None]:
    import trafilatura

    options = TRAFILATURA_MODES[mode]

    def extract(page: Page) -> str | None:
        # The bytes and the URL, as Storyline gets them.
        return trafilatura.extract(page.html, url=page.url, **options)
    return extract


def _speed(r: Run) -> str:
    empty = sum(1 for text in r.outputs.values() if not text.strip())
    return (f"{r.pages_per_s:7.1f}  {empty:>5}" + (f"  {r.errors} raised" if r.errors else ""))


def trafilatura_table(args, storyline: Callable[[Page], str | None] | None) -> None:
    import trafilatura

    pages = load_eval_pages(args.shared, args.limit)
    print(f"trafilatura evaluation set: {len(pages)} pages, {sum(len(p.must) for p in pages)} 'with' and "
          f"{sum(len(p.must_not) for p in pages)} 'without' snippets; trafilatura {trafilatura.__version__}; "
          "pages/s = extraction only, 1 process")
    print(f"{'system':<24} {'P':>6} {'R':>6} {'acc':>6} {'F1':>7} {'pages/s':>7}  {'empty':>5}")
    systems: list[tuple[str, Callable[[Page], str | None]]] = []
    if storyline:
        systems.append(("storyline", storyline))
    modes = [m for m in (args.modes or "").split(",") if m]
    systems += [(f"trafilatura {m}", trafilatura_mode(m)) for m in modes]
    per_system: dict[str, dict[str, Counts]] = {}
    for name, fn in systems:
        r = run(fn, pages, repeat=args.repeat if name == "storyline" else 1)
        total, per_system[name] = score_eval(pages, r.outputs)
        print(f"{name:<24} {total.precision:6.3f} {total.recall:6.3f} {total.accuracy:6.3f} {total.f1:7.4f} "
              + _speed(r), flush=True)
    if args.worst and "storyline" in per_system and len(per_system) > 1:
        _worst_against(pages, per_system, args.worst)


def _worst_against(pages: list[EvalPage], per_system: dict[str, dict[str, Counts]], k: int) -> None:
    """The pages where storyline's net snippets (tp - fp) fall furthest below the first anchor's."""
    anchor = next(name for name in per_system if name != "storyline")
    ours, theirs = per_system["storyline"], per_system[anchor]

    def gap(page: EvalPage) -> int:
        return (theirs[page.id].tp - theirs[page.id].fp) - (ours[page.id].tp - ours[page.id].fp)

    print(f"\npages where storyline trails {anchor} (tp-fp), worst first:")
    for page in sorted((p for p in pages if gap(p) > 0), key=gap, reverse=True)[:k]:
        o, t = ours[page.id], theirs[page.id]
        print(f"  -{gap(page)}  ours tp {o.tp} fp {o.fp}, theirs tp {t.tp} fp {t.fp}  {page.id}  {page.url}")


def row(name: str, s: Score, note: str = "") -> str:
    return f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}" + (f"  {note}" if note else "")


def scrapinghub_table(args, storyline: Callable[[Page], str | None] | None) -> None:
    pages = load_pages(args.shared, args.limit)
    truths = {p.id: p.truth for p in pages}
    print(f"ScrapingHub article-extraction benchmark: {len(pages)} pages; "
          "4-token shingles, per-page P/R averaged, F1 of the means")
    print(f"{'system':<16} {'P':>6} {'R':>6} {'F1':>6}")
    per_page = {}
    if storyline:
        r = run(storyline, pages, memory=True, repeat=args.repeat)
        s, per_page = score_outputs(truths, r.outputs)
        note = (f"{r.pages_per_s:.1f} pages/s (extraction only, 1 process, after a warm-up page), "
                f"tracemalloc peak {r.tracemalloc_mb:.1f} MB, ru_maxrss {r.maxrss_mb:.0f} MB"
                + (f", {r.errors} pages raised" if r.errors else ""))
        print(row("storyline", s, note), flush=True)
    for name, stem in ANCHORS:
        try:
            outputs, version = load_anchor(stem, args.shared)
        except FileNotFoundError:
            print(f"{name:<16} (no stored outputs)")
            continue
        s, _ = score_outputs(truths, outputs)
        print(row(name, s, f"stored outputs{' v' + version if version else ''}"))

    if per_page and args.worst:
        print(f"\nstoryline's {args.worst} lowest-F1 pages:")
        by_id = {p.id: p for p in pages}
        for key, ps in sorted(per_page.items(), key=lambda kv: kv[1].f1)[: args.worst]:
            print(f"  F1 {ps.f1:.3f} P {ps.precision:.3f} R {ps.recall:.3f}  {key[:12]}  {by_id[key].url}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("scrapinghub", "trafilatura", "both"), default="both")
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--limit", type=int, help="first N pages of each set only")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes for storyline; the fastest counts")
    ap.add_argument("--modes", default=",".join(TRAFILATURA_MODES),
                    help="trafilatura modes run beside storyline on the trafilatura set ('' for none)")
    ap.add_argument("--worst", type=int, default=0, help="also list storyline's K worst pages on each set")
    args = ap.parse_args(argv)
    unknown = {m for m in args.modes.split(",") if m} - set(TRAFILATURA_MODES)
    if unknown:
        ap.error(f"unknown trafilatura mode(s): {', '.join(sorted(unknown))}")
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    storyline = load_storyline()
    if args.set in ("trafilatura", "both"):
        trafilatura_table(args, storyline)
    if args.set == "both":
        print()
    if args.set in ("scrapinghub", "both"):
        scrapinghub_table(args, storyline)


if __name__ == "__main__":
    main()
