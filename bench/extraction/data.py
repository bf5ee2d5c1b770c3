"""Loading the shared ScrapingHub extraction set (read in place, never copied)."""
from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUBDIR = Path("data") / "extraction" / "scrapinghub"
# Stored outputs of published extractors shown next to ours: (row name, anchor file stem).
ANCHORS = (
    ("trafilatura", "trafilatura"),
    ("rs_trafilatura", "rs_trafilatura"),
    ("newspaper", "newspaper"),
    ("news_please", "news_please"),
    ("readability", "readability"),
    ("goose3", "goose3"),
)


@dataclass
class Page:
    id: str
    url: str
    html: bytes  # the page as it came off the wire (gunzipped), undecoded
    truth: str   # reference articleBody


def shared_root(shared: str | Path | None = None) -> Path:
    return Path(shared or os.environ.get("STORYLINE_SHARED") or PROJECT_ROOT.parent / "shared")


def dataset_dir(shared: str | Path | None = None) -> Path:
    return shared_root(shared) / SUBDIR


def load_pages(shared: str | Path | None = None, limit: int | None = None) -> list[Page]:
    """Pages in ground-truth order; ``limit`` keeps the first N."""
    root = dataset_dir(shared)
    with (root / "ground-truth.json").open(encoding="utf-8") as f:
        truth = json.load(f)
    pages = []
    for key, item in truth.items():
        with gzip.open(root / "html" / f"{key}.html.gz", "rb") as f:
            html = f.read()
        pages.append(Page(key, item.get("url") or "", html, item.get("articleBody") or ""))
        if limit and len(pages) >= limit:
            break
    return pages


def load_anchor(stem: str, shared: str | Path | None = None) -> tuple[dict[str, str], str | None]:
    """A published system's stored bodies ({page id: text}) and its version, if recorded.
    Files are either ``{"output": {id: {"articleBody"}}, "version"}`` or bare ``{id: {...}}``."""
    path = dataset_dir(shared) / "anchors" / f"{stem}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    version = data.get("version") if isinstance(data.get("version"), str) else None
    output = data["output"] if isinstance(data.get("output"), dict) else data
    return {k: (v or {}).get("articleBody") or "" for k, v in output.items()}, version
