"""python -m bench.chrome [--shared PATH] [--set trafilatura,scrapinghub,grouped,demo] [--limit N] [--show K]

Site chrome, measured where it matters, every row from the same run:

* trafilatura's eval set (its snippet metric): Storyline's text, the same extraction before
  chrome cleaning (raw), and trafilatura.extract() with default settings.
* ScrapingHub (4-token shingle F1): the same three rows (trafilatura from its stored outputs).
* grouped: ScrapingHub pages whose domain has >= 2 pages; each page stored after the other
  pages of its domain (learning) beside the lone-page extraction (no learning).
* demo: the 6 demo outlets, each page learned from its outlet's other pages, scored against
  the paragraphs in demo/articles.py.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bench.extraction.data import load_anchor, load_pages
from bench.extraction.scoring import score_outputs
from bench.extraction.trafeval import count_page, load_eval_pages, norm, score_eval
from storyline.extract import ExtractionError, extract_html

from .learning import Sample, extract, learned_texts

ROOT = Path(__file__).resolve().parents[2]


def _row(name: str, p: float, r: float, f1: float, extra: str = "") -> str:
    return f"  {name:<34} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}{extra}"


def trafilatura_set(shared, limit, show) -> None:
    import trafilatura

    pages = load_eval_pages(shared, limit)
    ours, raw, default = {}, {}, {}
    for page in pages:
        try:
            ex = extract_html(page.html, url=page.url)
            ours[page.id], raw[page.id] = ex.text, ex.raw_text
        except ExtractionError:
            ours[page.id] = raw[page.id] = ""
        try:
            default[page.id] = trafilatura.extract(page.html, url=page.url) or ""
        except Exception:
            default[page.id] = ""
    print(f"trafilatura eval set: {len(pages)} pages; snippets found/absent (P/R/accuracy/F1)")
    for name, outputs in (("storyline", ours), ("storyline before chrome cleaning", raw),
                          ("trafilatura.extract default", default)):
        c, _ = score_eval(pages, outputs)
        print(_row(name, c.precision, c.recall, c.f1, f"  acc {c.accuracy:.3f}"))
    if show:
        print("  pages where chrome cleaning changed the score (lost 'with' / removed 'without'):")
        for page in pages:
            a, b = count_page(page, ours[page.id]), count_page(page, raw[page.id])
            if (a.tp, a.fp) != (b.tp, b.fp):
                cleaned, before = norm(ours[page.id]), norm(raw[page.id])
                lost = [s for s in page.must if norm(s) in before and norm(s) not in cleaned]
                cut = [s for s in page.must_not if norm(s) in before and norm(s) not in cleaned]
                print(f"    {page.id}: lost {lost[:3]} removed {cut[:3]}")


def scrapinghub_set(shared, limit) -> list[Sample]:
    pages = load_pages(shared, limit)
    truths = {p.id: p.truth for p in pages}
    samples = [extract(p.id, (urlsplit(p.url).hostname or "").removeprefix("www."), p.html, p.truth, p.url)
               for p in pages]
    ours = {s.key: s.extracted.text if s.extracted else "" for s in samples}
    raw = {s.key: s.extracted.raw_text if s.extracted else "" for s in samples}
    print(f"ScrapingHub: {len(pages)} pages; 4-token shingles, F1 of mean P and mean R")
    for name, outputs in (("storyline", ours), ("storyline before chrome cleaning", raw)):
        s, _ = score_outputs(truths, outputs)
        print(_row(name, s.precision, s.recall, s.f1))
    try:
        stored, _ = load_anchor("trafilatura", shared)
        s, _ = score_outputs(truths, stored)
        print(_row("trafilatura (stored outputs)", s.precision, s.recall, s.f1))
    except FileNotFoundError:
        pass
    return samples


def compare_learning(title: str, samples: list[Sample], per_group: bool) -> None:
    truths = {s.key: s.truth for s in samples}
    alone = {s.key: s.extracted.text if s.extracted else "" for s in samples}
    learned = learned_texts(samples)
    groups = sorted({s.outlet for s in samples})
    print(f"{title}: {len(samples)} pages in {len(groups)} groups; each page learned from its group's other pages")
    for name, outputs in (("no learning (lone page)", alone), ("learned from the outlet", learned)):
        s, _ = score_outputs(truths, outputs)
        print(_row(name, s.precision, s.recall, s.f1))
    if per_group:
        print(f"  {'group':<30} {'pages':>5}  {'F1 alone':>8}  {'F1 learned':>10}")
        for group in groups:
            keys = [s.key for s in samples if s.outlet == group]
            sub = {k: truths[k] for k in keys}
            a, _ = score_outputs(sub, alone)
            b, _ = score_outputs(sub, learned)
            mark = "" if abs(a.f1 - b.f1) < 5e-4 else ("  +" if b.f1 > a.f1 else "  -")
            print(f"  {group:<30} {len(keys):>5}  {a.f1:8.3f}  {b.f1:10.3f}{mark}")


def demo_samples() -> list[Sample]:
    sys.path.insert(0, str(ROOT))
    from demo.articles import ARTICLES

    samples = []
    for a in ARTICLES:
        paras = list(a["paragraphs"])
        if a.get("pullquote"):
            at, quote = a["pullquote"]
            paras.insert(at + 1, quote)
        path = ROOT / "demo" / "corpus" / a["outlet"] / f"{a['slug']}.html"
        samples.append(extract(a["slug"], a["outlet"], path.read_bytes(), "\n\n".join(paras)))
    return samples


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.chrome", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--set", default="trafilatura,scrapinghub,grouped,demo")
    ap.add_argument("--limit", type=int, help="first N pages of each shared set")
    ap.add_argument("--show", action="store_true", help="list the trafilatura pages chrome cleaning changed")
    args = ap.parse_args(argv)
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    sets = set(args.set.split(","))
    if "trafilatura" in sets:
        trafilatura_set(args.shared, args.limit, args.show)
    if sets & {"scrapinghub", "grouped"}:
        samples = scrapinghub_set(args.shared, args.limit)
        if "grouped" in sets:
            counts: dict[str, int] = {}
            for s in samples:
                counts[s.outlet] = counts.get(s.outlet, 0) + 1
            compare_learning("ScrapingHub by domain", [s for s in samples if counts[s.outlet] >= 2], True)
    if "demo" in sets:
        compare_learning("demo outlets", demo_samples(), True)


if __name__ == "__main__":
    main()
