"""Stories over the whole input without one process holding it: blocking,
clustering inside each block, merging blocks that share articles.

1. Frequencies: every article's terms are counted over the whole input (a
   Dask reduction), and each article is weighed by them into the same sparse
   vector storyline.cluster makes (storyline.cluster.features.vector).
2. Blocks: an article goes into the blocks of its KEY_TERMS heaviest terms in
   each of the two time windows around it (8 terms: on Multi-News, 2 gave stories
   B-cubed F1 0.88 against the single-machine pipeline's, 4 gave 0.94, 8 0.97, 12
   0.975 at half again the blocks) (windows are WINDOW_DAYS wide and
   a block spans two, so any two articles a story could join share a block).
3. Clustering: inside each block, the clusterer `storyline add` uses
   (StoryClusterer.place_vector) places the block's articles in time order.
4. Merging: two blocks' clusters are one story when they share at least
   half of the smaller one's articles; an article whose clusters are not
   merged stays in the one it fits best (cosine with the cluster's centroid),
   so one broad article does not chain two stories together.
"""
from __future__ import annotations

import json
import math

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from storyline import cluster
from storyline.batch.articles import key_of
from storyline.batch.groups import Groups
from storyline.batch.parts import Results
from storyline.cluster import StoryClusterer, features

KEY_TERMS = 8
WINDOW_DAYS = cluster.WINDOW_DAYS
SHARED_FOR_MERGE = 0.5
STORIES = pa.schema([("key", pa.string()), ("story", pa.int64()), ("fit", pa.float64())])


def find_stories(results: Results, client) -> int:
    """Write stories/ (every placed article's story number); return how many stories."""
    articles = dd.read_parquet(str(results.stage("articles")),
                               columns=["order", "terms", "day", "not_article", "published", "fetched"])
    copies = dd.read_parquet(str(results.stage("copies")), columns=["key"])
    placed = articles[articles["not_article"].isna() & ~articles["terms"].isna()]
    placed = placed.assign(key=placed["order"].map(key_of, meta=("key", "object")).astype("string"))
    placed = placed.merge(copies.assign(copy=True), on="key", how="left")
    placed = placed[placed["copy"].isna()].drop(columns=["copy", "not_article"])

    counts = placed.map_partitions(_term_rows, meta={"term": "object"})["term"].value_counts()
    counts = counts[counts >= 2].compute()  # a term missing from it was seen once
    n_docs = int(placed.shape[0].compute())
    frequencies = client.scatter([counts.to_dict()], broadcast=True)[0]

    blocks = placed.map_partitions(_block_rows, frequencies, n_docs,
                                   meta={"block": "object", "order": "int64", "seen": "object",
                                         "day": "float64", "vector": "object"})
    memberships = blocks.shuffle("block").map_partitions(
        _cluster_blocks, meta={"node": "object", "order": "int64", "fit": "float64", "size": "int64"}).persist()
    roots = _merged_roots(memberships)
    best = memberships.shuffle("order").map_partitions(_best_fit, roots,
                                                          meta={"order": "int64", "root": "object", "fit": "float64"})
    stories = best.shuffle("root").map_partitions(
        _numbered, meta={"order": "int64", "root": "object", "fit": "float64", "story": "int64"})
    # astype: an empty partition would keep the int64 of "order" (Series.map over no rows).
    keys = stories["order"].map(key_of, meta=("key", "object")).astype(object)
    stories = stories.assign(key=keys)[["key", "story", "fit"]]
    path = results.stage("stories")
    stories.to_parquet(str(path), write_index=False, overwrite=True, schema=STORIES,
                       name_function=lambda i: f"part-{i:05d}.parquet")
    return int(dd.read_parquet(str(path), columns=["story"])["story"].nunique().compute())

def _term_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"term": [t for terms in frame["terms"] for t in json.loads(terms)["tf"]]}, dtype=object)


def _block_rows(frame: pd.DataFrame, frequencies: dict, n_docs: int) -> pd.DataFrame:
    out = {"block": [], "order": [], "seen": [], "day": [], "vector": []}
    for row in frame.itertuples(index=False):
        found = json.loads(row.terms)
        terms = features.Terms(found["tf"], set(found["names"]), 0, 0)
        vec = features.vector(terms, n_docs, {t: frequencies.get(t, 1) for t in terms.tf})
        keys = sorted(vec, key=vec.get, reverse=True)[:KEY_TERMS]
        day = _day(row.day) or 0.0
        window = math.floor(day / WINDOW_DAYS)
        # Rounded as the database keeps vectors; each article is copied into 2 x KEY_TERMS blocks.
        encoded = json.dumps({t: round(v, 5) for t, v in vec.items()}, separators=(",", ":"))
        for start in (window - 1, window):
            for term in keys:
                out["block"].append(f"{start}|{term}")
                out["order"].append(row.order)
                out["seen"].append(_text(row.published) or _text(row.fetched) or "")
                out["day"].append(_day(row.day))
                out["vector"].append(encoded)
    return pd.DataFrame(out).astype({"order": "int64", "day": "float64"})


def _cluster_blocks(frame: pd.DataFrame) -> pd.DataFrame:
    nodes, orders, fits, sizes = [], [], [], []
    for block, members in frame.groupby("block", sort=False):
        clusterer = StoryClusterer()
        placed: dict[int, list[tuple[int, dict]]] = {}
        for row in members.sort_values(["seen", "order"]).itertuples(index=False):
            vec = json.loads(row.vector)
            day = _day(row.day)
            placed.setdefault(clusterer.place_vector(str(row.order), vec, day), []).append((row.order, vec))
        for sid, articles in placed.items():
            story = clusterer.state.load(sid)
            norm = math.sqrt(sum(v * v for v in story.centroid.values())) or 1.0
            for order, vec in articles:
                nodes.append(f"{block}#{sid}")
                orders.append(order)
                sizes.append(len(articles))
                # A cluster of one says nothing about where the article belongs.
                fits.append(features.dot(vec, story.centroid) / norm if len(articles) > 1 else 0.0)
    return pd.DataFrame({"node": nodes, "order": pd.Series(orders, dtype="int64"), "fit": fits,
                         "size": pd.Series(sizes, dtype="int64")})


def _merged_roots(memberships: dd.DataFrame) -> dict[str, str]:
    """node -> the node it merges into, for the clusters that share enough
    articles (only these pairs reach this process)."""
    pairs = memberships[memberships["fit"] > 0].shuffle("order").map_partitions(
        _node_pairs, meta={"a": "object", "b": "object", "size_a": "int64", "size_b": "int64"})
    edges = pairs.shuffle("a").map_partitions(_merging, meta={"a": "object", "b": "object"}).compute()
    joined = Groups().join(edges.itertuples(index=False))
    return {node: joined.root(node) for node in joined.parent}


def _node_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Each pair of clusters an article is in (with their sizes)."""
    out = {"a": [], "b": [], "size_a": [], "size_b": []}
    for _, found in frame.groupby("order"):
        found = sorted(zip(found["node"], found["size"]))
        for i in range(len(found)):
            for j in range(i + 1, len(found)):
                for column, value in zip(out, (found[i][0], found[j][0], found[i][1], found[j][1])):
                    out[column].append(value)
    return pd.DataFrame(out).astype({"a": object, "b": object, "size_a": "int64", "size_b": "int64"})


def _merging(frame: pd.DataFrame) -> pd.DataFrame:
    """The pairs of clusters (all rows of one `a` are here) sharing enough articles."""
    counts = frame.groupby(["a", "b", "size_a", "size_b"]).size().rename("shared").reset_index()
    enough = counts["shared"] >= SHARED_FOR_MERGE * counts[["size_a", "size_b"]].min(axis=1)
    return counts.loc[enough, ["a", "b"]].astype(object)


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """A story's number: its first article's (all rows of one root are here)."""
    return frame.assign(story=frame.groupby("root")["order"].transform("min").astype("int64"))


def _best_fit(frame: pd.DataFrame, roots: dict[str, str]) -> pd.DataFrame:
    """Each article in the (merged) cluster it fits best."""
    best = frame.sort_values(["order", "fit", "node"], ascending=[True, False, True]).drop_duplicates("order")
    return pd.DataFrame({"order": best["order"].astype("int64"),
                         "root": [roots.get(node, node) for node in best["node"]],
                         "fit": best["fit"].astype("float64")})


def _text(value) -> str | None:
    return value if isinstance(value, str) else None  # pandas gives NA for a missing string


def _day(value) -> float | None:
    try:
        return None if value is None or math.isnan(value) else float(value)
    except TypeError:  # pandas NA
        return None
