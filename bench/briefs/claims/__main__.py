"""python -m bench.briefs.claims [--shared PATH] [--limit N] [--seed 12] [--words 250] [--show K]

The support check (`storyline.brief.support.check`) against false claims made
from true ones, FactCC-style. True sentences are the brief sentences of the
Multi-News dev stories (`brief(sources, words=250, facts=False)`); each is
changed once per kind where the kind applies: another number, another person
or place of the same story, a negation, a shifted date. A changed sentence is
checked against the sentences of the article the true one came from: the check
must not say it states it (bar: ≥ 97% rejected). True sentences are checked
against their own article and against every other article the brief cites for
them, and the "states" pairs of bench/briefs/support_sample.jsonl are checked
A against [B] (bar: ≥ 80% accepted). Today's lexical rule
(`storyline.brief.cite.states` over a two-source pool) runs beside it on the
same claims."""
from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from storyline.brief import brief, cite, support
from storyline.model import Source
from storyline.summary.sentences import problem, split

from ..data import load
from . import perturb
from .sample import SAMPLE, labelled_pairs, lexical_pool

TRUE_OWN, TRUE_CITED = "true, own article", "true, cited article"


@dataclass
class Claim:
    kind: str  # a perturbation kind, TRUE_OWN or TRUE_CITED
    text: str
    against: int  # the source whose sentences judge it
    original: str = ""
    change: str = ""
    variant: str = ""  # of the change: "in words", "surname", "not inserted", "weekday"...


def todays_rule(claim: str, candidates: list[str]) -> bool:
    """Does the lexical citation rule find a candidate that states the claim?"""
    pool = lexical_pool([Source(0, claim), Source(1, " ".join(candidates))])
    mine = [i for i, s in enumerate(pool.sentences) if s.source == 0]
    theirs = [j for j, s in enumerate(pool.sentences) if s.source == 1]
    return any(cite.states(pool, i, j) for i in mine for j in theirs)


def _embedder():
    """storyline.embed.embed when it is there and usable, else None (the check
    then computes the vectors itself)."""
    try:
        from storyline import embed
    except ImportError:
        return None
    return embed.embed if embed.available() else None


class Timer:
    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def run(self, name: str, function, *args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.spent[name] += time.perf_counter() - start
            self.calls[name] += 1


def story_claims(story, seed: int, words: int, timer: Timer) -> tuple[list[Claim], dict[int, list[str]]]:
    """The true and changed claims of one story, and each source's sentences."""
    from storyline.facts import find_entities

    sources = [Source(k, d) for k, d in enumerate(story.documents)]
    made = timer.run("brief", brief, sources, words=words, facts=False)
    # Each article's sentences as the brief's pool takes them.
    sentences = {k: [s.text for s in split(d) if problem(s.text) is None] for k, d in enumerate(story.documents)}
    names = perturb.StoryNames.from_entities(timer.run("NER", find_entities, story.documents))
    rng = random.Random(f"{seed}:{story.id}")
    claims = []
    for sentence in made.sentences:
        own = sentence.article
        claims.append(Claim(TRUE_OWN, sentence.text, own))
        claims += [Claim(TRUE_CITED, sentence.text, other) for other in sentence.citations if other != own]
        for kind in perturb.KINDS:
            changed = perturb.perturb(sentence.text, kind, names, rng)
            if changed is not None:
                claims.append(Claim(kind, changed[0], own, sentence.text, changed[1], changed[2]))
    return claims, sentences


def judge(claims: list[Claim], sentences: dict[int, list[str]], embed, timer: Timer) -> list[tuple[str, bool]]:
    """(our verdict, today's rule says "states") for every claim."""
    vectors = {}
    claim_vectors = [None] * len(claims)
    if embed is not None:
        for source in sorted({c.against for c in claims}):
            vectors[source] = timer.run("embeddings", embed, sentences.get(source, []))
        claim_vectors = list(timer.run("embeddings", embed, [c.text for c in claims]))
    out = []
    for claim, vector in zip(claims, claim_vectors):
        candidates = sentences.get(claim.against, [])
        verdict = timer.run("ours", support.check, claim.text, candidates,
                            claim_vector=vector, candidate_vectors=vectors.get(claim.against))
        today = timer.run("today's rule", todays_rule, claim.text, candidates)
        out.append((verdict.kind, today))
    return out


def sample_rows(stories, embed, timer: Timer, path: Path = SAMPLE) -> list[str]:
    if not path.exists():
        return [f"labelled pairs: {path} is not there yet; nothing to score"]
    pairs, missing = labelled_pairs({s.id: s for s in stories}, path)
    by_label: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for pair in pairs:
        a_vector = b_vectors = None
        if embed is not None:
            a_vector, b_vector = timer.run("embeddings", embed, [pair.a, pair.b])
            b_vectors = b_vector[None, :]
        verdict = timer.run("ours", support.check, pair.a, [pair.b], claim_vector=a_vector, candidate_vectors=b_vectors)
        today = timer.run("today's rule", todays_rule, pair.a, [pair.b])
        by_label[pair.label].append((verdict.kind, today, pair.in_story_pool))
    rows = [f"labelled pairs ({path.name}: {len(pairs)} found"
            + (f", {missing} not found in the stories read" if missing else "") + "), check(A, [B]):",
            f"  {'label':<12} {'n':>5} {'ours states':>12} {'ours contra':>12} {'today states':>13} "
            f"{'today, story idf':>17}"]
    for label in (support.STATES, support.CONTRADICTS, support.NEITHER):
        got = by_label.get(label, [])
        if got:
            rows.append(f"  {label:<12} {len(got):5d} {_share(got, lambda o, t, s: o == support.STATES):>12} "
                        f"{_share(got, lambda o, t, s: o == support.CONTRADICTS):>12} "
                        f"{_share(got, lambda o, t, s: t):>13} {_share(got, lambda o, t, s: s):>17}")
    rows.append("  (bar: ours accepts ≥ 80% of the \"states\" pairs)")
    return rows


def _share(results, test) -> str:
    return f"{100 * sum(test(*r) for r in results) / len(results):.1f}%" if results else "-"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.briefs.claims", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared")
    p.add_argument("--limit", type=int, help="the first N stories only")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--words", type=int, default=250)
    p.add_argument("--sample", type=Path, default=SAMPLE, help="the labelled pairs (default %(default)s)")
    p.add_argument("--show", type=int, default=3, help="changed claims ours accepted, shown per kind")
    args = p.parse_args(argv)
    started = time.perf_counter()
    timer = Timer()
    embed = _embedder()
    stories = load(args.shared, args.limit)
    results: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    variants: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    accepted: dict[str, list[Claim]] = defaultdict(list)
    true_sentences = 0
    for story in stories:
        claims, sentences = story_claims(story, args.seed, args.words, timer)
        true_sentences += sum(c.kind == TRUE_OWN for c in claims)
        for claim, verdict in zip(claims, judge(claims, sentences, embed, timer)):
            results[claim.kind].append(verdict)
            if claim.variant:
                variants[claim.kind, claim.variant].append(verdict)
            if verdict[0] == support.STATES and claim.kind in perturb.KINDS:
                accepted[claim.kind].append(claim)
    sample = sample_rows(load(args.shared), embed, timer, args.sample)

    print(f"\nclaims: {len(stories)} Multi-News dev stories, {true_sentences} true brief sentences, "
          f"seed {args.seed}; vectors {'from storyline.embed' if embed else 'left to the check'}")
    print(f"{'claims':<22} {'n':>6} {'ours rejects':>13} {'ours contra':>12} {'today rejects':>14}")
    changed = [r for kind in perturb.KINDS for r in results[kind]]
    for kind in perturb.KINDS:
        _row(kind, results[kind])
        mine = sorted((variant, got) for (of, variant), got in variants.items() if of == kind)
        for variant, got in mine if len(mine) > 1 else []:
            _row(f"  {variant}", got)
    _row("all changed (≥ 97%)", changed)
    print(f"{'':<22} {'n':>6} {'ours accepts':>13} {'':>12} {'today accepts':>14}")
    for kind in (TRUE_OWN, TRUE_CITED):
        got = results[kind]
        print(f"{kind:<22} {len(got):6d} {_share(got, lambda o, t: o == support.STATES):>13} {'':>12} "
              f"{_share(got, lambda o, t: t):>14}")
    print("\n".join(sample))
    checks, lexical = timer.calls["ours"], timer.spent["today's rule"]
    print(f"time: {time.perf_counter() - started:.0f} s in all; ours {timer.spent['ours']:.1f} s for {checks} checks "
          f"({1000 * timer.spent['ours'] / max(checks, 1):.2f} ms each) + embeddings {timer.spent['embeddings']:.1f} s; "
          f"today's rule {lexical:.1f} s; briefs {timer.spent['brief']:.1f} s; "
          f"NER {timer.spent['NER']:.1f} s")
    for kind in perturb.KINDS:
        for claim in accepted[kind][:args.show]:
            print(f"accepted {kind} ({claim.variant}): {claim.change}\n    {claim.text}")


def _row(name: str, got: list[tuple[str, bool]]) -> None:
    print(f"{name:<22} {len(got):6d} {_share(got, lambda o, t: o != support.STATES):>13} "
          f"{_share(got, lambda o, t: o == support.CONTRADICTS):>12} {_share(got, lambda o, t: not t):>14}")


if __name__ == "__main__":
    main()
