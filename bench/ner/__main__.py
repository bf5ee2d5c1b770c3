"""python -m bench.ner [--shared PATH] [--limit N] [--model NAME]

Entity-level F1 (exact span and type) of the facts stage's spaCy model on
CoNLL-2003 dev, per type and micro, and documents/s."""
from __future__ import annotations

import argparse
import time

from spacy.tokens import Doc

from bench.ner.data import TYPES, load, shared_dir
from storyline.facts import nlp as models
from storyline.facts.extract import NAME_TYPES


def predicted(doc) -> set:
    return {(e.start, e.end, NAME_TYPES[e.label_]) for e in doc.ents if e.label_ in NAME_TYPES}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--model", help=f"default: ${models.MODEL_ENV} or {models.DEFAULT_MODEL}")
    args = parser.parse_args(argv)
    docs = load(shared_dir(args.shared) / "data" / "ner" / "conll2003_dev.txt")[:args.limit]
    nlp = models.load(args.model)
    # Given tokens, so spans compare token for token with the gold ones.
    inputs = [Doc(nlp.vocab, words=d.tokens) for d in docs]
    list(nlp.pipe(inputs[:5]))  # warm-up
    inputs = [Doc(nlp.vocab, words=d.tokens) for d in docs]
    start = time.perf_counter()
    outputs = list(nlp.pipe(inputs))
    seconds = time.perf_counter() - start
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, fp, fn
    for doc, out in zip(docs, outputs):
        gold, pred = doc.gold, predicted(out)
        for span in pred:
            counts[span[2]][0 if span in gold else 1] += 1
        for span in gold - pred:
            counts[span[2]][2] += 1
    print(f"model {nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}, "
          f"pipes {nlp.pipe_names}; {len(docs)} documents, {sum(d.sentences for d in docs)} sentences, "
          f"{sum(len(d.tokens) for d in docs)} tokens")
    print(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    total = [0, 0, 0]
    for kind in TYPES:
        _row(kind, *counts[kind])
        total = [a + b for a, b in zip(total, counts[kind])]
    _row("micro", *total)
    sentences = sum(d.sentences for d in docs)
    print(f"speed: {len(docs) / seconds:.1f} documents/s, {sentences / seconds:.0f} sentences/s "
          f"(nlp.pipe, one process, after warm-up)")


def _row(name, tp, fp, fn) -> None:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{name:6} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f} {tp + fn:6d}")


if __name__ == "__main__":
    main()
