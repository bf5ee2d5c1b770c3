"""`storyline export`, `import` and `backup` (storyline.transfer)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rich.text import Text

from storyline.cli.output import err, fail, one_line, out, print_json
from storyline.storage import open_store
from storyline.transfer import TransferError, backup, import_files, partial_beside, write_jsonl, write_opml

BACKUP_HELP = ("copy the database to a new SQLite file while it is in use: SQLite's online backup, or a "
               "consistent snapshot of a PostgreSQL database (on the server itself, pg_dump is the usual way)")


def cmd_export(args) -> int:
    write = write_jsonl if args.format == "jsonl" else write_opml
    with open_store(args.db) as store:
        if args.output is None:
            counts = write(store, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            try:
                counts = _write_file(args.output, lambda stream: write(store, stream))
            except TransferError as exc:
                return fail(str(exc))
    if isinstance(counts, int):
        counts = {"feed": counts}
    report = {"format": args.format, "output": args.output, "exported": counts}
    # With the export on stdout, the report goes to stderr.
    if args.json:
        print_json(report) if args.output else print(json.dumps(report), file=sys.stderr)
    else:
        line = "exported " + ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items())
        (out if args.output else err).print(line + (f" to {one_line(args.output)}" if args.output else ""))
    return 0


def _write_file(name: str, write):
    """Write through a hidden file beside `name`, renamed when complete."""
    path = Path(name).expanduser()
    if path.is_dir():
        raise TransferError(f"{path} is a folder; give the export's file name")
    partial = partial_beside(path)
    try:
        with partial.open("wb") as stream:
            result = write(stream)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return result


def cmd_import(args) -> int:
    with open_store(args.db) as store:
        report = import_files(store, args.files)
    if args.json:
        print_json(report.as_json())
        return 0
    out.print(f"added {report.added}, duplicates {report.duplicates}, failed {len(report.failed)}; "
              f"feeds: {report.feeds_added} new, {report.feeds_known} known; "
              f"failures restored {report.failures_restored}")
    for failure in report.failed:
        out.print(Text.assemble("  ", ("failed", "red"), f" {one_line(failure.source)}: {one_line(failure.error)}"))
    return 0


def cmd_backup(args) -> int:
    with open_store(args.db) as store:
        try:
            result = backup(store, args.file, force=args.force)
        except TransferError as exc:
            return fail(str(exc))
    if args.json:
        print_json(result)
    else:
        counts = result["counts"]
        out.print(f"backed up {counts['articles']} articles, {counts['stories']} stories and {counts['feeds']} "
                  f"feeds to {one_line(result['backup'])} ({result['bytes']:,} bytes, {result['method']})")
    return 0


def add_commands(command) -> None:
    """Register export, import and backup with build_parser's `command(name, func, help)`."""
    p = command("export", cmd_export, "write the database's articles, feeds and failures as JSON lines, "
                                      "or its feeds as an OPML list")
    p.add_argument("--format", choices=("jsonl", "opml"), default="jsonl", help="default jsonl")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: standard output)")
    p = command("import", cmd_import, "import a Storyline JSONL export (articles kept exactly, then placed "
                                      "in stories) or an OPML list (its feeds subscribed, polled by fetch)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p = command("backup", cmd_backup, BACKUP_HELP)
    p.add_argument("file", metavar="FILE", help="a new SQLite file")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
