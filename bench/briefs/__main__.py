"""python -m bench.briefs [--shared PATH] [--limit N] [--words 250] [--no-oracle]

Story briefs on the Multi-News dev stories: ROUGE-1/2/Lsum F1 (rouge-score, stemmed) of
Storyline's brief and of the baselines at the same word budget, from one run; the time to
brief a 10-article story without NER; the citation check."""
from __future__ import annotations

import argparse
import resource
import statistics
import time

from bench.summaries.scoring import _scorer, score_system
from bench.summaries.text import sentences

from . import baselines
from .data import load


def storyline_briefs(stories, words: int):
    from storyline.brief import brief
    from storyline.model import Source

    outputs, briefs, spent = [], [], 0.0
    for story in stories:
        sources = [Source(k, d) for k, d in enumerate(story.documents)]
        start = time.perf_counter()
        b = brief(sources, words=words, facts=False)
        spent += time.perf_counter() - start
        outputs.append([s.text for s in b.sentences])
        briefs.append((sources, b))
    return outputs, briefs, spent


def ten_article_timing(stories, words: int, repeats: int = 20) -> str:
    """Median time to brief a story of 10 articles (the largest stories' articles, pooled):
    warm (sentence vectors already stored, as for a story read before) and cold (the
    vectors made in the call, as when a story is first read)."""
    from storyline.brief import brief
    from storyline.brief.pool import source_sentences
    from storyline.brief.vectors import compute
    from storyline.model import Source

    documents = [d for s in sorted(stories, key=lambda s: -len(s.documents)) for d in s.documents][:10]
    sources = [Source(k, d) for k, d in enumerate(documents)]
    start = time.perf_counter()
    vectors = [compute(source_sentences(s)) for s in sources]
    embedding = time.perf_counter() - start
    brief(sources, words=words, facts=False, vectors=vectors)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        brief(sources, words=words, facts=False, vectors=vectors)
        times.append(time.perf_counter() - start)
    lexical = []
    for _ in range(5):
        start = time.perf_counter()
        brief(sources, words=words, facts=False, embed=False)
        lexical.append(time.perf_counter() - start)
    total_words = sum(len(d.split()) for d in documents)
    sentences = sum(len(v.sentences) for v in vectors if v is not None)
    brief(sources, words=words, vectors=vectors)  # loads the spaCy model
    with_ner = []
    for _ in range(3):
        start = time.perf_counter()
        brief(sources, words=words, vectors=vectors)
        with_ner.append(time.perf_counter() - start)
    return (f"10 articles ({total_words} words, {sentences} sentences): warm median "
            f"{1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms without NER "
            f"(vectors stored; making them: {1000 * embedding:.0f} ms, once per article); "
            f"{1000 * statistics.median(lexical):.0f} ms by words and facts alone (the quick brief of ingestion); "
            f"{1000 * statistics.median(with_ner):.0f} ms with the facts (spaCy NER over all 10)")


def citation_check(briefs) -> str:
    verbatim = total = extra = 0
    for sources, b in briefs:
        by_id = {s.id: s for s in sources}
        for sentence in b.sentences:
            total += 1
            verbatim += sentence.text in " ".join(by_id[sentence.article].text.split())
            extra += len(sentence.citations) - 1
    return (f"citation check: {verbatim}/{total} brief sentences found verbatim in their article "
            f"({100 * verbatim / max(total, 1):.1f}%); paraphrase check adds {extra} citations "
            f"({extra / max(total, 1):.2f} per sentence)")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.briefs", description=__doc__)
    p.add_argument("--shared")
    p.add_argument("--limit", type=int)
    p.add_argument("--words", type=int, default=250)
    p.add_argument("--no-oracle", action="store_true")
    args = p.parse_args(argv)
    stories = load(args.shared, args.limit)
    refs = [sentences(s.summary) for s in stories]
    rows = []
    ours, briefs, spent = storyline_briefs(stories, args.words)
    rows.append(score_system("storyline", ours, refs, f"{1000 * spent / len(stories):.0f} ms/story"))
    rows.append(score_system("Lead", [baselines.lead(s.documents, args.words) for s in stories], refs))
    for name in ("LexRank", "TextRank"):
        run = baselines.sumy_multi(name)
        rows.append(score_system(name, [run(s.documents, args.words) for s in stories], refs))
    rows.append(score_system("MMR 0.5", [baselines.mmr(s.documents, args.words) for s in stories], refs))
    if not args.no_oracle:
        tokenize = _scorer()._tokenizer.tokenize
        rows.append(score_system("oracle", [baselines.oracle(s.documents, s.summary, args.words, tokenize)
                                            for s in stories], refs, "greedy R1+R2, an upper bound"))
    print(f"\nMulti-News dev: {len(stories)} stories, briefs of at most {args.words} words")
    print(f"{'system':<12} {'R-1':>5} {'R-2':>5} {'R-Lsum':>6} {'words':>6}")
    for r in rows:
        print(f"{r.name:<12} {r.r1:5.1f} {r.r2:5.1f} {r.rlsum:6.1f} {r.words:6.1f}" + (f"  {r.note}" if r.note else ""))
    print(citation_check(briefs))
    print(ten_article_timing(stories, args.words))
    print(f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
