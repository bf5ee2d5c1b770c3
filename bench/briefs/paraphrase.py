"""python -m bench.briefs.paraphrase — the citation rule against hand labels.

bench/briefs/paraphrase_sample.jsonl holds 70 pairs of sentences from Multi-News dev
stories (brief sentence A of one article, best-matching sentence B of another; 14 drawn
at random from each TF-IDF cosine band 0.25–0.35, 0.35–0.45, 0.45–0.55, 0.55–0.7 and
≥ 0.7), each labelled by hand: does B state what A says (all of its main claim; extra
detail in B is fine, a missing claim or a different number is not)? Only the story id,
the document index and a hash of each sentence are kept here; the text is read from
../shared. Prints precision and recall of `storyline.brief.cite.states` for a grid of
cosine and containment thresholds."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from storyline.brief import cite, pool as pooling
from storyline.model import Source

from .data import load

SAMPLE = Path(__file__).with_name("paraphrase_sample.jsonl")


def _hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


def labelled_pairs(shared: str | None = None):
    """(pool, i, j, label) for every labelled pair."""
    stories = {s.id: s for s in load(shared)}
    pools = {}
    for line in SAMPLE.read_text().splitlines():
        row = json.loads(line)
        story = stories[row["story"]]
        if row["story"] not in pools:
            pools[row["story"]] = pooling.build([Source(k, d) for k, d in enumerate(story.documents)])
        pool = pools[row["story"]]
        index = {(s.source, _hash(s.text)): k for k, s in enumerate(pool.sentences)}
        i = index[(row["a"]["document"], row["a"]["sha1"])]
        j = index[(row["b"]["document"], row["b"]["sha1"])]
        yield pool, i, j, row["states"]


def main() -> None:
    pairs = list(labelled_pairs())
    positives = sum(label for *_, label in pairs)
    print(f"{len(pairs)} labelled pairs, {positives} where B states A")
    print(f"{'cosine':>6} {'contain':>7} {'cited':>5} {'P':>5} {'R':>5}")
    for cosine in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        for containment in (0.0, 0.4, 0.5, 0.6):
            said = [(cite.states(p, i, j, cosine, containment), label) for p, i, j, label in pairs]
            cited = sum(s for s, _ in said)
            right = sum(s and label for s, label in said)
            mark = "  <- storyline" if (cosine, containment) == (cite.PARAPHRASE, cite.CONTAINMENT) else ""
            print(f"{cosine:6.2f} {containment:7.2f} {cited:5d} {right / max(cited, 1):5.2f} "
                  f"{right / positives:5.2f}{mark}")


if __name__ == "__main__":
    main()
