"""The results folder of a batch: one Parquet file per partition and stage,
each written to a temporary name and renamed, so a file that exists is whole.
A batch run again skips the partitions whose files exist (resume), and a
stage that reads the whole input (near-copies, stories) writes a `_done`
marker last.

    results/
      manifest.json      what was run: inputs, partitions, settings, counts
      plan.json          the partitions (reused by a run that resumes)
      extracted/         per input partition: extracted articles, raw text and short lines
      failures/          per input partition: items that could not be read or extracted
      articles/          per input partition: clean text, metadata, summary, entities
      copies/            near-copy links (article key -> original key)
      stories/           story of every placed article
      briefs/            per story partition: the cited brief of each story
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = "storyline-batch"
VERSION = 1


class Results:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def stage(self, name: str) -> Path:
        return self.folder / name

    def part(self, stage: str, index: int) -> Path:
        return self.stage(stage) / f"part-{index:05d}.parquet"

    def has(self, stage: str, index: int) -> bool:
        return self.part(stage, index).exists()

    def done(self, stage: str) -> bool:
        return (self.stage(stage) / "_done").exists()

    def mark_done(self, stage: str) -> None:
        self.stage(stage).mkdir(parents=True, exist_ok=True)
        (self.stage(stage) / "_done").write_text("")

    def parts(self, stage: str) -> list[Path]:
        return sorted(self.stage(stage).glob("part-*.parquet"))

    def write(self, stage: str, index: int, table: pa.Table) -> Path:
        path = self.part(stage, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
        return path

    def read(self, stage: str, columns: list[str] | None = None) -> pa.Table:
        paths = self.parts(stage)
        if not paths:
            return pa.table({})
        return pa.concat_tables([pq.read_table(p, columns=columns) for p in paths], promote_options="default")

    def write_json(self, name: str, value) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        temporary = path.with_name(f".{name}.tmp")
        temporary.write_text(json.dumps(value, indent=1, ensure_ascii=False))
        os.replace(temporary, path)

    def read_json(self, name: str):
        path = self.folder / name
        return json.loads(path.read_text()) if path.exists() else None
