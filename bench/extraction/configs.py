"""python -m bench.extraction.configs [--shared PATH] [--limit N] [--repeat R] [--only NAME,...]

Plain trafilatura in several configurations, scored and timed by the same code
as the main table, to choose how Storyline should call it.
"""
from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Callable

import trafilatura

from .data import Page, load_pages
from .harness import call_safely, timed_pass
from .scoring import score_outputs

def _extract(**kw) -> Callable[[Page], str | None]:
    def fn(page: Page) -> str | None:
        return trafilatura.extract(page.html, url=page.url, include_comments=False, **kw)
    return fn


_SPACES = re.compile(r"\s+")
_EDGES = re.compile(r"^\W+|\W+$")


def _norm(line: str) -> str:
    return _SPACES.sub(" ", _EDGES.sub("", line.lower())).strip()


def drop_title(text: str | None, title: str | None) -> str | None:
    """Cheap post-processing: drop a first paragraph that repeats the headline
    (the benchmark's articleBody never holds it)."""
    if not text or not title:
        return text
    first, sep, rest = text.lstrip().partition("\n")
    return rest.lstrip() if _norm(first) == _norm(title) else text


def _bare(title: bool = False, **kw) -> Callable[[Page], str | None]:
    def fn(page: Page) -> str | None:
        doc = trafilatura.bare_extraction(page.html, url=page.url, include_comments=False, with_metadata=True, **kw)
        if doc is None:
            return None
        return drop_title(doc.text, doc.title) if title else doc.text
    return fn


def _tree(bare: bool, **kw) -> Callable[[Page], str | None]:
    """Parse once with trafilatura's loader (timed too), hand the tree over."""
    def fn(page: Page) -> str | None:
        tree = trafilatura.load_html(page.html)
        if tree is None:
            return None
        if bare:
            doc = trafilatura.bare_extraction(tree, url=page.url, include_comments=False, with_metadata=True, **kw)
            return doc.text if doc is not None else None
        return trafilatura.extract(tree, url=page.url, include_comments=False, **kw)
    return fn


def _parse_only(page: Page) -> str:
    trafilatura.load_html(page.html)
    return ""


# "dq" (date quick): htmldate without its extensive search of the whole page text.
_QUICK_DATE = {"original_date": True, "extensive_search": False}

CONFIGS: dict[str, Callable[[Page], str | None]] = {
    "extract default": _extract(),
    "extract fast": _extract(fast=True),
    "extract favor_precision": _extract(favor_precision=True),
    "extract favor_recall": _extract(favor_recall=True),
    "extract no tables": _extract(include_tables=False),
    "extract deduplicate": _extract(deduplicate=True),
    "extract fast+precision": _extract(fast=True, favor_precision=True),
    "extract fast+recall": _extract(fast=True, favor_recall=True),
    "extract fast no tables": _extract(fast=True, include_tables=False),
    "bare+meta default": _bare(),
    "bare+meta fast": _bare(fast=True),
    "bare+meta precision": _bare(favor_precision=True),
    "bare+meta fast+precision": _bare(fast=True, favor_precision=True),
    "tree->extract default": _tree(False),
    "tree->extract fast": _tree(False, fast=True),
    "tree->bare+meta default": _tree(True),
    "tree->bare+meta fast": _tree(True, fast=True),
    "bare+meta fast+recall": _bare(fast=True, favor_recall=True),
    "bare+meta fast dq": _bare(fast=True, date_extraction_params=_QUICK_DATE),
    "bare+meta fast+recall dq": _bare(fast=True, favor_recall=True, date_extraction_params=_QUICK_DATE),
    "bare+meta default +title": _bare(title=True),
    "bare+meta fast +title": _bare(title=True, fast=True),
    "bare+meta fast+recall +title": _bare(title=True, fast=True, favor_recall=True),
    "bare+meta precision +title": _bare(title=True, favor_precision=True),
    "bare+meta fast+recall dq +title": _bare(title=True, fast=True, favor_recall=True, date_extraction_params=_QUICK_DATE),
    "(parse only: load_html)": _parse_only,
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction.configs", description=__doc__)
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--limit", type=int, help="first N pages only")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes per config; the fastest counts")
    ap.add_argument("--only", help="comma-separated config names")
    args = ap.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    pages = load_pages(args.shared, args.limit)
    truths = {p.id: p.truth for p in pages}
    names = args.only.split(",") if args.only else list(CONFIGS)
    print(f"trafilatura {trafilatura.__version__}, {len(pages)} pages, one process; pages/s = best of "
          f"{args.repeat} pass(es), configs interleaved round-robin so CPU-speed drift hits all alike")
    best: dict[str, float] = {}
    outputs: dict[str, dict[str, str]] = {}
    errors: dict[str, int] = {}
    for name in names:
        call_safely(CONFIGS[name], pages[0])  # warm-up
    for _ in range(max(1, args.repeat)):
        for name in names:
            outputs[name], spent, errors[name] = timed_pass(CONFIGS[name], pages)
            best[name] = min(best.get(name, float("inf")), spent)
    print(f"{'configuration':<32} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}")
    for name in names:
        rate = len(pages) / best[name]
        if name.startswith("("):
            print(f"{name:<32} {'':>6} {'':>6} {'':>6} {rate:8.1f}")
            continue
        s, _ = score_outputs(truths, outputs[name])
        flag = f"  errors={errors[name]}" if errors[name] else ""
        print(f"{name:<32} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {rate:8.1f}{flag}")

if __name__ == "__main__":
    main()
