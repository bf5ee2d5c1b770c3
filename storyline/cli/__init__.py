"""The `storyline` command: a thin shell over the library.

Everything it prints that came from outside (titles, outlets, URLs, failure
reasons, article text) is plain text: rich never reads it as markup and
terminal control characters are dropped, so a stored title cannot restyle,
hyperlink or clear the operator's terminal. Operator mistakes end in one line
on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy.exc
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from storyline import __version__
from storyline.cli import values
from storyline.cli.briefs import cmd_brief, cmd_summarize
from storyline.cli import worker as worker_cli
from storyline.cli.database import cmd_copy, cmd_migrate
from storyline.cli.output import err, fail as _fail, one_line, out, plain, print_json as _print_json
from storyline.config import FetchSettings, default_db_path
from storyline.ingest import Ingestor
from storyline.ingest import Progress as NullProgress
from storyline.model import IngestReport
from storyline.storage import StorageError, open_store

DEMO_CORPUS = Path(__file__).resolve().parents[2] / "demo" / "corpus"
class _RichProgress(NullProgress):
    def __init__(self, progress: Progress):
        self.bar = progress
        self.task = progress.add_task("starting", total=0)

    def add(self, n: int) -> None:
        self.bar.update(self.task, total=(self.bar.tasks[0].total or 0) + n)

    def advance(self, label: str = "") -> None:
        self.bar.update(self.task, advance=1, description=_short(one_line(label)))


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1):]


@contextmanager
def _progress():
    """A progress bar on a terminal; nothing when piped."""
    if not err.is_terminal:
        yield NullProgress()
        return
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        yield _RichProgress(bar)


def _settings(args) -> FetchSettings:
    settings = FetchSettings()
    if args.allow_private:
        settings.allow_private = True
    if args.timeout is not None:
        settings.timeout = args.timeout
    if args.deadline is not None:
        settings.deadline = args.deadline
    return settings


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        _print_json(report.as_json())
        return
    out.print(f"added {report.added}, duplicates {report.duplicates}, failed {len(report.failed)}")
    for failure in report.failed:
        out.print(Text.assemble("  ", ("failed", "red"), f" {one_line(failure.source)}: {one_line(failure.error)}"))


def _ingest(args, run) -> int:
    with open_store(args.db) as store, _progress() as progress:
        with Ingestor(store, settings=_settings(args), outlet=getattr(args, "outlet", None),
                      progress=progress) as ingestor:
            report = run(ingestor)
    _print_report(report, args.json)
    return 0


def cmd_add(args) -> int:
    return _ingest(args, lambda ing: ing.add(args.sources))


def cmd_fetch(args) -> int:
    return _ingest(args, lambda ing: ing.fetch_feeds())


def _article_summary(row: dict) -> dict:
    return {k: row[k] for k in ("id", "url", "outlet", "title", "published", "words")}


def cmd_articles(args) -> int:
    with open_store(args.db) as store:
        rows = store.list_articles(limit=args.limit, offset=args.offset, outlet=args.outlet)
    if args.json:
        _print_json([_article_summary(r) for r in rows])
        return 0
    _print_articles(rows)
    return 0


def _cell(value) -> Text:
    return Text(one_line(value))


def _print_articles(rows: list[dict]) -> None:
    table = Table("id", "published", "outlet", "title", "words")
    for r in rows:
        table.add_row(_cell(r["id"]), _cell((r["published"] or "")[:16]), _cell(r["outlet"]), _cell(r["title"]),
                      _cell(r["words"]))
    out.print(table)


def cmd_show(args) -> int:
    with open_store(args.db) as store:
        row = store.get_article(args.article_id)
    if row is None:
        return _fail(f"no article with id {args.article_id}")
    data = _article_summary(row) | {k: row[k] for k in ("author", "language", "fetched", "text")}
    data["canonical_url"] = row["canonical_url"]
    data["added"] = row["fetched"]
    if args.json:
        _print_json(data)
        return 0
    out.print(Text(one_line(row["title"]), style="bold"))
    when = f"published {row['published']}" if row["published"] else f"undated, added {row['fetched']}"
    out.print(" · ".join(one_line(x) for x in (row["outlet"], row["author"], when, row["language"]) if x))
    if row["url"]:
        out.print(one_line(row["url"]))
    out.print()
    out.print(plain(row["text"]))
    return 0


def cmd_failures(args) -> int:
    with open_store(args.db) as store:
        rows = store.failures(unresolved_only=not args.all)
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        out.print(Text.assemble((one_line(r["at"]), "dim"), f"  {one_line(r['source'])}: {one_line(r['error'])}"))
    return 0


def cmd_stories(args) -> int:
    with open_store(args.db) as store:
        rows = store.list_stories(since=args.since, limit=args.limit, offset=args.offset)
    if args.json:
        _print_json(rows)
        return 0
    _print_stories(rows)
    return 0


def _print_stories(rows: list[dict]) -> None:
    table = Table("story", "last seen", "articles", "title", "outlets")
    for r in rows:
        table.add_row(_cell(r["id"]), _cell((r["last_seen"] or "")[:16]), _cell(len(r["articles"])),
                      _cell(r["title"]), _cell(", ".join(map(one_line, r["outlets"]))))
    out.print(table)


def cmd_story(args) -> int:
    with open_store(args.db) as store:
        story = store.get_story(args.story_id)
    if story is None:
        return _fail(f"no story with id {args.story_id}")
    if args.json:
        story["articles"] = [{k: a[k] for k in ("id", "outlet", "title", "published", "url", "duplicate_of")}
                             for a in story["articles"]]
        _print_json(story)
        return 0
    out.print(Text(one_line(story["title"]), style="bold"))
    out.print(f"{one_line(story['first_seen'])} – {one_line(story['last_seen'])} · "
              + ", ".join(map(one_line, story["outlets"])))
    for a in story["articles"]:
        copy = f"  (near-copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
        out.print(f"  {a['id']:>5}  {one_line((a['published'] or '')[:16])}  "
                  f"{one_line(a['outlet'])}: {one_line(a['title'])}{copy}")
    return 0


def cmd_recluster(args) -> int:
    from storyline.stories import recluster

    with open_store(args.db) as store:
        placed = recluster(store, args.since)
        stories = store.count_stories()
    report = {"placed": placed, "stories": stories}
    print(json.dumps(report) if args.json else f"placed {placed} articles; {stories} stories in all")
    return 0


def cmd_demo(args) -> int:
    """Load the demo corpus and show what was stored: articles, then stories."""
    with open_store(args.db) as store, _progress() as progress:
        with Ingestor(store, settings=_settings(args), progress=progress) as ingestor:
            report = ingestor.add([str(args.corpus)])
        rows = store.list_articles(limit=1000)
        stories = store.list_stories(limit=1000)
    if args.json:
        _print_json({"report": report.as_json(), "articles": [_article_summary(r) for r in rows],
                     "stories": stories})
        return 0
    _print_report(report, False)
    _print_articles(rows)
    _print_stories(stories)
    out.print(f"{len(rows)} articles from {len({r['outlet'] for r in rows})} outlets, "
              f"{len(stories)} stories, in {one_line(args.db)}")
    return 0


def cmd_serve(args) -> int:
    """Serve the web reader and the JSON API (storyline.web)."""
    from storyline.cli.worker import poller_settings
    from storyline.web.serve import serve

    open_store(args.db).close()  # a bad --db is one line here, not a traceback in every worker
    token = args.token or os.environ.get("STORYLINE_TOKEN") or None
    options = {}
    if args.base_url:
        options["base_url"] = args.base_url
    err.print(f"Storyline reader on http://{args.host}:{args.port}  ({one_line(args.db)}; "
              f"{'writes need the token' if token else 'read-only: no write token'})")
    serve(args.db, host=args.host, port=args.port, token=token, workers=args.workers,
          access_log=args.access_log, settings=_settings(args),
          poller=None if args.no_poll else poller_settings(args), **options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from storyline.cli import batch as batch_cli
    from storyline.cli import transfer
    from storyline.cli import status as status_cli
    from storyline.cli import users as users_cli

    parser = argparse.ArgumentParser(prog="storyline", description="No time to read? Get a summary.")
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    parser.add_argument("--db", default=None,
                        help="SQLite file or postgresql:// URL (default: $STORYLINE_DB, else an SQLite "
                             "file in your data directory)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow fetching private, loopback and link-local addresses")
    parser.add_argument("--timeout", type=values.seconds, default=None, metavar="SECONDS",
                        help="seconds per network step (above 0, at most 3600; default 15)")
    parser.add_argument("--deadline", type=values.seconds, default=None, metavar="SECONDS",
                        help="seconds for one whole fetch: connect, redirects, retries and body "
                             "(above 0, at most 3600; default 60)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        return p

    p = command("add", cmd_add, "add feeds, OPML lists, article URLs, files and folders")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--outlet", help="outlet name for the added files")
    command("fetch", cmd_fetch, "poll every known feed once")
    p = command("articles", cmd_articles, "list stored articles, newest first")
    p.add_argument("--limit", type=values.limit, default=50)
    p.add_argument("--offset", type=values.offset, default=0)
    p.add_argument("--outlet")
    p = command("show", cmd_show, "show one article")
    p.add_argument("article_id", type=values.article_id)
    p = command("failures", cmd_failures, "items that could not be added, with the reason")
    p.add_argument("--all", action="store_true", help="include failures later resolved")
    p = command("stories", cmd_stories, "list stories, newest first")
    p.add_argument("--since", type=values.since, help="only stories seen since: 3d, 12h, 2w or an ISO date")
    p.add_argument("--limit", type=values.limit, default=50)
    p.add_argument("--offset", type=values.offset, default=0)
    p = command("story", cmd_story, "show one story and its articles")
    p.add_argument("story_id", type=values.article_id)
    p = command("recluster", cmd_recluster, "rebuild stories in batch")
    p.add_argument("--since", type=values.since, help="only articles seen since: 30d, 2w or an ISO date (default: all)")
    p = command("summarize", cmd_summarize, "summarize a stored article or an article file")
    p.add_argument("target", type=values.id_or_path, metavar="ARTICLE_ID|PATH")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=values.sentences, help="at most this many sentences (1 to 100)")
    length.add_argument("--words", type=values.words, help="about this many words (1 to 5000)")
    p = command("brief", cmd_brief, "brief a stored story, or several article files")
    p.add_argument("targets", nargs="+", type=values.id_or_path, metavar="STORY_ID|PATH")
    p.add_argument("--words", type=values.words, default=120, help="length of the brief in words (1 to 5000; default 120)")
    p.add_argument("--llm", action="store_true",
                   help="have the language model at $STORYLINE_LLM_URL ($STORYLINE_LLM_MODEL) write the brief; "
                        "each sentence is checked against the sources it cites")
    p = command("demo", cmd_demo, "load the demo corpus and list what was stored")
    p.add_argument("--corpus", type=Path, default=DEMO_CORPUS)
    p = command("serve", cmd_serve, "serve the web reader and the JSON API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=values.port, default=8000, help="1 to 65535 (default 8000)")
    token = p.add_mutually_exclusive_group()
    token.add_argument("--token-file", dest="token", type=values.token_file, metavar="PATH",
                       help="read the write token from the first line of this file (recommended)")
    token.add_argument("--token", help="write token for adding sources and articles; other users can see it "
                                       "in the process list (ps), so prefer --token-file or $STORYLINE_TOKEN "
                                       "(none: writes are refused)")
    p.add_argument("--base-url", type=values.base_url, default=os.environ.get("STORYLINE_BASE_URL") or None,
                   metavar="URL", help="public address of the reader, for the absolute links in feeds "
                                       "(default: $STORYLINE_BASE_URL, else the address served on)")
    p.add_argument("--workers", type=values.workers, default=1, help="server processes (1 to 64; default 1)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--no-poll", action="store_true",
                   help="serve only; feeds are polled by a `storyline worker` (default: poll in this process)")
    worker_cli.add_polling_options(p)
    p = command("worker", lambda a: worker_cli.cmd_worker(a, _settings(a)),
                "poll feeds on their schedules and run the pipeline, until stopped (no web server)")
    worker_cli.add_polling_options(p)
    p = command("schedule", worker_cli.cmd_schedule, "give a feed its own polling interval")
    p.add_argument("feed", metavar="FEED_URL")
    p.add_argument("interval", type=values.interval_or_default, metavar="INTERVAL|default",
                   help="90s, 10m, 2h, 1d, or default")
    command("migrate", cmd_migrate, "create or upgrade the database schema (safe to repeat)")
    p = command("copy", cmd_copy, "copy a whole database into a new one (SQLite or PostgreSQL, either way)")
    p.add_argument("--from", dest="source", required=True, metavar="DB", help="SQLite file or postgresql:// URL")
    p.add_argument("--to", dest="target", required=True, metavar="DB", help="an empty or new database")
    transfer.add_commands(command)
    status_cli.add_commands(command)
    users_cli.add_commands(command)
    batch_cli.add_commands(command)
    return parser


def _quiet_stdout() -> None:
    """After a closed pipe (`storyline articles | head`): nothing more to write, and no
    error when Python flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _tolerant_streams() -> None:
    """An output that cannot encode a character (PYTHONIOENCODING=ascii) shows '?' instead."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # not a text stream we may reconfigure
            pass


def main(argv: list[str] | None = None) -> int:
    _tolerant_streams()
    args = build_parser().parse_args(argv)
    try:
        args.db = args.db or default_db_path()
        return args.func(args)
    except KeyboardInterrupt:
        return _fail("interrupted; run the same command again to resume", 130)
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except Exception as exc:  # one line for the operator; the traceback on request
        if os.environ.get("STORYLINE_DEBUG", "").strip() not in ("", "0"):
            raise
        if isinstance(exc, StorageError):
            return _fail(str(exc))
        if isinstance(exc, (sqlite3.DatabaseError, sqlalchemy.exc.SQLAlchemyError)):
            return _fail(f"database error in {args.db}: {exc}")
        return _fail(f"internal error: {type(exc).__name__}: {exc}; run with STORYLINE_DEBUG=1 for the traceback")


if __name__ == "__main__":
    sys.exit(main())
