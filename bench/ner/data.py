"""CoNLL-2003 documents: tokens and gold (start, end, type) spans, MISC left out."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TYPES = ("PER", "ORG", "LOC")


@dataclass
class Document:
    tokens: list = field(default_factory=list)
    sentences: int = 0
    tags: list = field(default_factory=list)

    @property
    def gold(self) -> set:
        """(start token, end token, type) spans."""
        return spans(self.tags)


def shared_dir(path: str | None = None) -> Path:
    root = Path(__file__).resolve().parents[2]
    return Path(path or os.environ.get("STORYLINE_SHARED") or root.parent / "shared")


def load(path: Path) -> list[Document]:
    docs: list[Document] = []
    in_sentence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts[:1] == ["-DOCSTART-"]:
            docs.append(Document())
            in_sentence = False
        elif not parts:
            if in_sentence:
                docs[-1].sentences += 1
            in_sentence = False
        elif docs:
            docs[-1].tokens.append(parts[0])
            docs[-1].tags.append(parts[-1])
            in_sentence = True
    if in_sentence:
        docs[-1].sentences += 1
    return [d for d in docs if d.tokens]


def spans(tags: list[str]) -> set:
    """Entity spans from IOB1 or IOB2 tags, MISC dropped."""
    found, start, kind = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, label = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and label != kind)
        if start is not None and (tag == "O" or begins):
            if kind in TYPES:
                found.add((start, i, kind))
            start, kind = None, None
        if begins:
            start, kind = i, label
    return found
