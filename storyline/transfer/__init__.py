"""Moving a database's content out and back: `export` (JSON lines or OPML),
`import` (either, into any database) and `backup` (a consistent copy in a new
SQLite file, from SQLite or PostgreSQL)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class TransferError(ValueError):
    """An export, import or backup that cannot start (a file in the way, a
    folder given for a file); the message is one line for the operator."""


def partial_beside(path: Path) -> Path:
    """A new, empty, hidden file in `path`'s folder, to write a result to before it
    takes `path`'s name, so `path` is never half written. Created with the
    permissions any new file gets (the umask applies)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
            try:
                os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                return partial
            except FileExistsError:
                continue
    except OSError as exc:
        raise TransferError(f"cannot write {path}: {exc.strerror or exc}") from None


from storyline.transfer.backup import backup  # noqa: E402 - after what it imports from here
from storyline.transfer.export import write_jsonl, write_opml  # noqa: E402
from storyline.transfer.importing import ImportReport, import_files  # noqa: E402

__all__ = ["ImportReport", "TransferError", "backup", "import_files", "partial_beside", "write_jsonl",
           "write_opml"]
