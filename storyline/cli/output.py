"""What the `storyline` command prints: plain text only. Rich never reads it as
markup, and terminal control characters are dropped (escaped in JSON), so a
stored title cannot restyle, hyperlink or clear the operator's terminal."""
from __future__ import annotations

import json
import sys

from rich.console import Console

# Markup, emoji codes and highlighting off by default: nothing printed is read as markup.
out = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = Console(stderr=True, markup=False, emoji=False, highlight=False)

# C0 controls but newline and tab, DEL, C1 controls (U+0080-U+009F, which some
# terminals obey as ESC sequences), and the bidi embeddings, overrides and
# isolates that can make text display as something else.
_CONTROLS = [*(c for c in range(0x20) if chr(c) not in "\n\t"), *range(0x7F, 0xA0),
             *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_DROP_CONTROLS = dict.fromkeys(_CONTROLS)
# In JSON the same characters are written as \u escapes: the value is unchanged.
_ESCAPE_CONTROLS = {c: f"\\u{c:04x}" for c in _CONTROLS}


def plain(text) -> str:
    """Stored text fit for a terminal: control characters removed (newlines and tabs kept)."""
    return "" if text is None else str(text).translate(_DROP_CONTROLS)


def one_line(text) -> str:
    """`plain`, with line breaks and tabs turned into spaces (titles, URLs, reasons)."""
    return " ".join(plain(text).split())


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2).translate(_ESCAPE_CONTROLS))


def fail(message: str, status: int = 1) -> int:
    """One line on stderr (never wrapped, never longer than a few hundred characters)."""
    line = one_line(message)
    if len(line) > 500:
        line = line[:499] + "…"
    print(f"storyline: {line}", file=sys.stderr)
    return status
