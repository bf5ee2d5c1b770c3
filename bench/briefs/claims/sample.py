"""The hand-labelled sentence pairs of bench/briefs/support_sample.jsonl, as texts.

Each row names a story, sentence A and sentence B by document index and a hash
of the sentence (as bench/briefs/paraphrase.py keeps them), the label
("states", "contradicts" or "neither": what B does to A) and a reason; the
texts are read from the Multi-News dev set."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from storyline.brief import cite, pool as pooling
from storyline.model import Source

from ..paraphrase import _hash

SAMPLE = Path(__file__).resolve().parents[1] / "support_sample.jsonl"


def lexical_pool(sources: list[Source]) -> pooling.Pool:
    """The brief's pool of `sources` without sentence vectors: today's rule
    (`cite.states`) needs only its TF-IDF."""
    try:
        return pooling.build(sources, embed=False)
    except TypeError:  # a pool that never embeds
        return pooling.build(sources)


@dataclass
class LabelledPair:
    story: str
    a: str
    b: str
    label: str
    reason: str = ""
    in_story_pool: bool = False  # today's rule, with the idf of the whole story (as in paraphrase.py)


def labelled_pairs(stories: dict, path: Path = SAMPLE) -> tuple[list[LabelledPair], int]:
    """The pairs whose sentences were found, and how many rows were not (a
    story missing from `stories`, or a hash no sentence of the story has)."""
    pairs, missing, pools = [], 0, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        story = stories.get(row["story"])
        if story is None:
            missing += 1
            continue
        if row["story"] not in pools:
            pool = lexical_pool([Source(k, d) for k, d in enumerate(story.documents)])
            pools[row["story"]] = pool, {(s.source, _hash(s.text)): k for k, s in enumerate(pool.sentences)}
        pool, index = pools[row["story"]]
        i = index.get((row["a"]["document"], row["a"]["sha1"]))
        j = index.get((row["b"]["document"], row["b"]["sha1"]))
        if i is None or j is None:
            missing += 1
            continue
        label = row.get("label") or ("states" if row.get("states") else "neither")
        pairs.append(LabelledPair(row["story"], pool.sentences[i].text, pool.sentences[j].text, label,
                                  row.get("reason", ""), cite.states(pool, i, j)))
    return pairs, missing
