"""python -m bench.briefs.support — the support check against hand labels.

bench/briefs/support_sample.jsonl holds 324 sentence pairs from Multi-News dev
stories: a sentence A of one article and a sentence B of another article of the
story (B the closest to A by meaning, the closest by words, or one at random),
drawn evenly across bands of TF-IDF cosine (<0.15, 0.15–0.3, 0.3–0.5, ≥0.5) and
all-MiniLM-L6-v2 cosine (<0.5, 0.5–0.65, 0.65–0.8, ≥0.8), up to 20 pairs a cell
(34 in the cells of cosine ≥ 0.65) and two a story per cell. Each was labelled by
hand: B "states" A (every fact and claim of A, in any words), "contradicts" A
(same fact, incompatible value), or "neither", with a one-line reason. Only ids,
hashes, the bands and the labels are kept here; the text is read from ../shared.
The thresholds of storyline.brief.support were set on pairs 0–159 ("dev");
pairs 160–323 ("held out") were not looked at while setting them.

Prints precision and recall of "states" and "contradicts" for the support check
and for milestone 1's lexical rule (storyline.brief.cite.states), same pairs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from storyline import embed
from storyline.brief import cite, pool as pooling, support
from storyline.model import Source

from .data import load

SAMPLE = Path(__file__).with_name("support_sample.jsonl")


def _hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


def labelled(shared: str | None = None):
    """(row, pool, prepared sentences, i, j) for every labelled pair; each
    document's sentences are embedded in one call, as stored articles are."""
    stories = {s.id: s for s in load(shared)}
    prepared = {}
    for line in SAMPLE.read_text().splitlines():
        row = json.loads(line)
        if row["story"] not in prepared:
            pool = pooling.build([Source(k, d) for k, d in enumerate(stories[row["story"]].documents)])
            vectors = np.zeros((len(pool.sentences), embed.DIMENSIONS), dtype=np.float32)
            for document in range(len(pool.sources)):
                rows = [k for k, s in enumerate(pool.sentences) if s.source == document]
                if rows:
                    vectors[rows] = embed.embed([pool.sentences[k].text for k in rows])
            said = support.prepare([s.text for s in pool.sentences], vectors)
            prepared[row["story"]] = (pool, said)
        pool, said = prepared[row["story"]]
        index = {(s.source, _hash(s.text)): k for k, s in enumerate(pool.sentences)}
        i = index[(row["a"]["document"], row["a"]["sha1"])]
        j = index[(row["b"]["document"], row["b"]["sha1"])]
        yield row, pool, said, i, j


def scores(results, kind) -> str:
    said = [r for r in results if r[1] == kind]
    right = sum(label == kind for label, _ in said)
    truth = sum(label == kind for label, _ in results)
    p = right / len(said) if said else float("nan")
    return f"P {p:4.2f} R {right / max(truth, 1):4.2f} ({right}/{len(said)} said, {truth} true)"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.briefs.support")
    ap.add_argument("--shared", help="shared data folder (default $STORYLINE_SHARED or ../shared)")
    ap.add_argument("--errors", action="store_true", help="print every pair the check gets wrong")
    args = ap.parse_args(argv)
    ours, lexical, parts = [], [], []
    for row, pool, said, i, j in labelled(args.shared):
        v = support.verdict(said[i], said[j], float(pool.similarity[i, j]),
                            cite.covered(pool, pool.sentences[i].terms, pool.sentences[j].terms))
        ours.append((row["label"], v.kind))
        lexical.append((row["label"], support.STATES if cite.states(pool, i, j) else support.NEITHER))
        parts.append("dev" if row["pair"] < 160 else "held out")
        if args.errors and v.kind != row["label"]:
            print(f"[{row['pair']}] label {row['label']}, ours {v.kind}: {v.reason}\n   A: {said[i].text[:200]}\n"
                  f"   B: {said[j].text[:200]}\n   # {row['reason']}")
    counts = {k: sum(label == k for label, _ in ours) for k in (support.STATES, support.CONTRADICTS, support.NEITHER)}
    print(f"{len(ours)} labelled pairs: {counts}")
    print(f"{'rule':<28} {'pairs':<9} {'states':<38} contradicts")
    for name, results in (("support check (ours)", ours), ("lexical rule (milestone 1)", lexical)):
        for part in ("all", "dev", "held out"):
            chosen = [r for r, p in zip(results, parts) if part in ("all", p)]
            contradicts = scores(chosen, support.CONTRADICTS) if results is ours else "— (no such verdict)"
            print(f"{name:<28} {part:<9} {scores(chosen, support.STATES):<38} {contradicts}")


if __name__ == "__main__":
    main()
