"""Story briefs in a batch: a map over story partitions (articles shuffled by
story), each brief made by storyline.brief.brief exactly as the reader makes
a stored story's, with the entities the article map recognized."""
from __future__ import annotations

import json

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from storyline.brief import DEFAULT_WORDS, brief, brief_json
from storyline.batch.parts import Results
from storyline.ingest.recorded import failure_reason
from storyline.model import Source

BRIEFS = pa.schema([("story", pa.int64()), ("title_key", pa.string()), ("size", pa.int64()),
                    ("part", pa.string()), ("brief", pa.string()), ("error", pa.string())])


def make_briefs(results: Results, *, facts: bool = True, embed: bool = True) -> int:
    """Write briefs/ (one row a story); return how many stories were briefed."""
    articles = dd.read_parquet(str(results.stage("articles")),
                               columns=["key", "order", "title", "text", "outlet", "published", "fetched", "entities"])
    stories = dd.read_parquet(str(results.stage("stories")), columns=["key", "story", "fit"])
    copies = dd.read_parquet(str(results.stage("copies")), columns=["key", "original"])
    copied = copies.merge(stories.rename(columns={"key": "original"}), on="original")
    copied = copied.assign(fit=-1.0)  # a copy never names its story
    members = dd.concat([stories.assign(original=None), copied[["key", "story", "fit", "original"]]])
    rows = articles.merge(members, on="key")
    made = rows.shuffle("story").map_partitions(
        _brief_stories, facts, embed,
        meta={"story": "int64", "title_key": "object", "size": "int64", "part": "object",
              "brief": "object", "error": "object"})
    path = results.stage("briefs")
    made.to_parquet(str(path), write_index=False, overwrite=True, schema=BRIEFS,
                    name_function=lambda i: f"part-{i:05d}.parquet")
    return int(dd.read_parquet(str(path), columns=["story"]).shape[0].compute())


def _brief_stories(frame: pd.DataFrame, facts: bool, embed: bool) -> pd.DataFrame:
    out = []
    for story, members in frame.groupby("story", sort=True):
        # The order and dates Store.story_sources gives: oldest first, the source's own date only.
        members = members.assign(seen=members["published"].fillna(members["fetched"]).fillna(""))
        members = members.sort_values(["seen", "order"])
        sources = [Source(r.key, r.text, r.title, r.outlet, r.published if isinstance(r.published, str) else None,
                          r.original if isinstance(r.original, str) else None)
                   for r in members.itertuples(index=False)]
        title_key = members.sort_values(["fit", "order"], ascending=[False, True])["key"].iloc[0]
        entities = [json.loads(e) if isinstance(e, str) else [] for e in members["entities"]] if facts else None
        try:
            body = brief_json(brief(sources, words=DEFAULT_WORDS, story=int(story), facts=facts,
                                    entities=entities, embed=embed))
            out.append({"story": int(story), "title_key": title_key, "size": len(sources),
                        "part": "full" if facts else "text", "brief": json.dumps(body, ensure_ascii=False),
                        "error": None})
        except Exception as exc:  # one story's brief fails; its articles and stories stand
            out.append({"story": int(story), "title_key": title_key, "size": len(sources),
                        "part": None, "brief": None, "error": failure_reason(exc)})
    return pd.DataFrame(out, columns=["story", "title_key", "size", "part", "brief", "error"]).astype(
        {"story": "int64", "size": "int64"})
