"""Near-copies over the whole input: a MinHash LSH banding join. Articles
sharing a band key are candidates (within a bucket, each article against the
CANDIDATES earliest before it, as `storyline add` looks at the 50 oldest
stored articles sharing a band); the same shingle containment `storyline add`
uses confirms them; confirmed pairs form groups, and each group's original is
its earliest-seen article (the rest are its copies), as placement one article
at a time ends up with.

Only the confirmed pairs reach this process (near-copies, not articles)."""
from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from storyline import dedupe
from storyline.batch.groups import Groups
from storyline.batch.parts import Results

CANDIDATES = 50
COPIES = pa.schema([("key", pa.string()), ("original", pa.string())])


def find_copies(results: Results) -> int:
    """Write copies/ (each near-copy's key and its original's); return how many."""
    articles = dd.read_parquet(str(results.stage("articles")), columns=["order", "bands"])
    bands = articles.map_partitions(_explode_bands, meta={"band": "object", "order": "int64"})
    buckets = bands.shuffle("band")
    pairs = buckets.map_partitions(_bucket_pairs, meta={"earlier": "int64", "later": "int64"}).drop_duplicates()
    texts = dd.read_parquet(str(results.stage("articles")), columns=["order", "text", "published", "fetched"])
    texts = texts.assign(seen=texts["published"].fillna(texts["fetched"]).fillna(""))[["order", "text", "seen"]]
    joined = pairs.merge(texts.rename(columns={"order": "earlier", "text": "earlier_text", "seen": "earlier_seen"}),
                         on="earlier").merge(
        texts.rename(columns={"order": "later", "text": "later_text", "seen": "later_seen"}), on="later")
    confirmed = joined.map_partitions(_confirmed, meta={"earlier": "int64", "later": "int64",
                                                        "earlier_seen": "object", "later_seen": "object"})
    edges = confirmed.compute()
    links = _originals(edges)
    from storyline.batch.articles import key_of
    rows = [{"key": key_of(copy), "original": key_of(original)} for copy, original in sorted(links.items())]
    results.write("copies", 0, pa.Table.from_pylist(rows, schema=COPIES))
    return len(rows)


def _explode_bands(frame: pd.DataFrame) -> pd.DataFrame:
    exploded = frame.explode("bands").dropna(subset=["bands"])
    return pd.DataFrame({"band": exploded["bands"].astype(object), "order": exploded["order"].astype("int64")})


def _bucket_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    earlier, later = [], []
    for _, orders in frame.groupby("band")["order"]:
        members = sorted(set(orders))
        for j in range(1, len(members)):
            for i in range(min(j, CANDIDATES)):
                earlier.append(members[i])
                later.append(members[j])
    return pd.DataFrame({"earlier": pd.Series(earlier, dtype="int64"), "later": pd.Series(later, dtype="int64")})


def _confirmed(frame: pd.DataFrame) -> pd.DataFrame:
    keep = [dedupe.containment(dedupe.shingles(a), dedupe.shingles(b)) >= dedupe.CONTAINMENT
            for a, b in zip(frame["earlier_text"], frame["later_text"])]
    return frame.loc[keep, ["earlier", "later", "earlier_seen", "later_seen"]]


def _originals(edges: pd.DataFrame) -> dict[int, int]:
    """copy -> original: groups of confirmed pairs, the earliest seen first."""
    seen: dict[int, str] = {}
    for a, b, seen_a, seen_b in edges.itertuples(index=False):
        seen[a], seen[b] = seen_a or "", seen_b or ""
    joined = Groups().join(zip(edges["earlier"], edges["later"]))
    groups: dict[int, list[int]] = {}
    for node in seen:
        groups.setdefault(joined.root(node), []).append(node)
    links = {}
    for members in groups.values():
        original = min(members, key=lambda m: (seen[m], m))
        links.update({m: original for m in members if m != original})
    return links
