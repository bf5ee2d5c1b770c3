"""What only the whole input can tell, found with Dask DataFrame shuffles so
no process holds every article: which articles repeat an earlier one exactly
(same URL, canonical URL or normalized text: `storyline add` stores only the
first), and which short lines are an outlet's chrome (the counts Store learns
one article at a time, here counted over the whole input at once)."""
from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pyarrow.parquet as pq

from storyline.batch.articles import KEY_SPAN
from storyline.batch.parts import Results
from storyline.extract import chrome

DUPLICATE_KEYS = ("url", "canonical_url", "content_hash")


def find_duplicates(results: Results) -> int:
    """Write duplicates/ (the order of every article an earlier one makes a
    duplicate of, with its partition); return how many there are."""
    extracted = dd.read_parquet(str(results.stage("extracted")), columns=["order", *DUPLICATE_KEYS])
    later = []
    for column in DUPLICATE_KEYS:
        keyed = extracted[[column, "order"]].dropna(subset=[column])
        # All rows of one value in one partition, then plain pandas inside it.
        later.append(keyed.shuffle(column).map_partitions(_later_ones, column, meta={"order": "int64"}))
    found = dd.concat(later).drop_duplicates()
    found = found.assign(partition=found["order"] // KEY_SPAN)
    found.to_parquet(str(results.stage("duplicates")), write_index=False, overwrite=True)
    return int(dd.read_parquet(str(results.stage("duplicates")), columns=["order"]).shape[0].compute())


def _later_ones(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    first = frame.groupby(column)["order"].transform("min")
    return frame.loc[frame["order"] > first, ["order"]].astype("int64")


def duplicates_in(results: Results, partition: int) -> frozenset[int]:
    table = pq.read_table(results.stage("duplicates"), columns=["order"],
                          filters=[("partition", "==", partition)])
    return frozenset(table.column("order").to_pylist())


def learn_chrome(results: Results) -> dict[str, frozenset[str]]:
    """outlet -> its learned chrome lines, by storyline.extract.chrome's rule
    over the non-duplicate articles (a line an outlet repeats on enough pages,
    or a non-sentence line enough outlets share)."""
    extracted = dd.read_parquet(str(results.stage("extracted")), columns=["order", "outlet", "lines", "sentences"])
    duplicates = dd.read_parquet(str(results.stage("duplicates")), columns=["order"])
    kept = extracted.merge(duplicates.assign(duplicate=True), on="order", how="left")
    kept = kept[kept["duplicate"].isna()][["outlet", "lines", "sentences"]]
    lines = kept.map_partitions(_explode_lines, meta={"outlet": "object", "fingerprint": "object", "sentence": "bool"})
    # Every row of one line (fingerprint) in one partition; the rule is applied there.
    chrome_lines = lines.shuffle("fingerprint").map_partitions(
        _chrome_lines, meta={"outlet": "object", "fingerprint": "object"}).compute()
    learned: dict[str, set[str]] = {}
    for outlet, fingerprint in chrome_lines.itertuples(index=False):
        learned.setdefault(outlet, set()).add(fingerprint)
    return {outlet: frozenset(lines) for outlet, lines in learned.items()}


def _chrome_lines(frame: pd.DataFrame) -> pd.DataFrame:
    per_outlet = frame.groupby(["outlet", "fingerprint"]).agg(
        sentence=("sentence", "max"), pages=("sentence", "size")).reset_index()
    shared = per_outlet.groupby("fingerprint").agg(any_sentence=("sentence", "max"), outlets=("outlet", "size"))
    joined = per_outlet.join(shared, on="fingerprint")
    keep = [chrome.is_learned_chrome(bool(s), int(p), int(o))
            for s, p, o in zip(joined["any_sentence"], joined["pages"], joined["outlets"])]
    return joined.loc[keep, ["outlet", "fingerprint"]].astype(object)


def _explode_lines(frame: pd.DataFrame) -> pd.DataFrame:
    exploded = frame.explode(["lines", "sentences"]).dropna(subset=["lines"])
    return pd.DataFrame({"outlet": exploded["outlet"].astype(object),
                         "fingerprint": exploded["lines"].astype(object),
                         "sentence": exploded["sentences"].astype(bool)})

