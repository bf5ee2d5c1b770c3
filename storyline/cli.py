"""The `storyline` command: a thin shell over the library."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import __version__
from storyline.config import FetchSettings, default_db_path
from storyline.ingest import Ingestor
from storyline.ingest import Progress as NullProgress
from storyline.model import IngestReport
from storyline.storage import open_store

DEMO_CORPUS = Path(__file__).resolve().parent.parent / "demo" / "corpus"
out = Console(soft_wrap=True)
err = Console(stderr=True)


class _RichProgress(NullProgress):
    def __init__(self, progress: Progress):
        self.bar = progress
        self.task = progress.add_task("starting", total=0)

    def add(self, n: int) -> None:
        self.bar.update(self.task, total=(self.bar.tasks[0].total or 0) + n)

    def advance(self, label: str = "") -> None:
        self.bar.update(self.task, advance=1, description=_short(label))


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1):]


@contextmanager
def _progress():
    """A progress bar on a terminal; nothing when piped."""
    if not err.is_terminal:
        yield NullProgress()
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        yield _RichProgress(bar)


def _settings(args) -> FetchSettings:
    settings = FetchSettings()
    if args.allow_private:
        settings.allow_private = True
    if args.timeout:
        settings.timeout = args.timeout
    return settings


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    out.print(f"added {report.added}, duplicates {report.duplicates}, failed {len(report.failed)}")
    for failure in report.failed:
        out.print(f"  [red]failed[/red] {failure.source}: {failure.error}", markup=True, highlight=False)


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
        print(json.dumps([_article_summary(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    _print_articles(rows)
    return 0


def _print_articles(rows: list[dict]) -> None:
    table = Table("id", "published", "outlet", "title", "words")
    for r in rows:
        table.add_row(str(r["id"]), (r["published"] or "")[:16], r["outlet"], r["title"], str(r["words"]))
    out.print(table)


def cmd_show(args) -> int:
    with open_store(args.db) as store:
        row = store.get_article(args.article_id)
    if row is None:
        err.print(f"no article with id {args.article_id}")
        return 1
    data = _article_summary(row) | {k: row[k] for k in ("author", "language", "fetched", "text")}
    data["canonical_url"] = row["canonical_url"]
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    out.print(f"[bold]{row['title']}[/bold]", highlight=False)
    meta = " · ".join(x for x in (row["outlet"], row["author"], row["published"], row["language"]) if x)
    out.print(meta, highlight=False)
    if row["url"]:
        out.print(row["url"], highlight=False)
    out.print()
    out.print(row["text"], highlight=False, markup=False)
    return 0


def cmd_failures(args) -> int:
    with open_store(args.db) as store:
        rows = store.failures(unresolved_only=not args.all)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        out.print(f"{r['at']}  {r['source']}: {r['error']}", highlight=False, markup=False)
    return 0


def cmd_summarize(args) -> int:
    """Summarize a stored article (by id) or an article file (no database needed)."""
    from storyline.extract import ExtractionError, extract_file
    from storyline.summary import summarize
    from storyline.summary.stored import article_summary

    target = args.target
    try:
        if target.isdigit() and not Path(target).exists():
            with open_store(args.db) as store:
                summary = article_summary(store, int(target), sentences=args.sentences, words=args.words)
            if summary is None:
                err.print(f"no article with id {target}")
                return 1
            article: int | str = int(target)
        else:
            extracted = extract_file(target)
            summary = summarize(extracted.text, title=extracted.title, sentences=args.sentences,
                                words=args.words, language=extracted.language)
            article = target
    except (ExtractionError, ValueError) as exc:
        err.print(f"cannot summarize {target}: {exc}", markup=False, highlight=False)
        return 1
    if args.json:
        print(json.dumps({
            "article": article,
            "sentences": [{"text": s.text, "position": s.position} for s in summary.sentences],
            "method": summary.method, "words": summary.words,
            "language": summary.language, "note": summary.note,
        }, ensure_ascii=False, indent=2))
        return 0
    for sentence in summary.sentences:
        out.print(f"• {sentence.text}", markup=False, highlight=False)
    if summary.note:
        err.print(f"({summary.note})", markup=False, highlight=False)
    return 0


def cmd_brief(args) -> int:
    """Brief a stored story (by id) or several article files (no database needed)."""
    from storyline.brief import brief, brief_json
    from storyline.brief.stored import story_brief
    from storyline.extract import ExtractionError, extract_file
    from storyline.model import Source

    targets = args.targets
    try:
        if len(targets) == 1 and targets[0].isdigit() and not Path(targets[0]).exists():
            with open_store(args.db) as store:
                body = story_brief(store, int(targets[0]), words=args.words)
            if body is None:
                err.print(f"no story with id {targets[0]}")
                return 1
        else:
            sources = []
            for path in targets:
                extracted = extract_file(path)
                sources.append(Source(path, extracted.text, extracted.title, extracted.site_name,
                                      extracted.published))
            body = brief_json(brief(sources, words=args.words))
    except (ExtractionError, ValueError) as exc:
        err.print(f"cannot brief {' '.join(targets)}: {exc}", markup=False, highlight=False)
        return 1
    if args.json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 0
    _print_brief(body)
    return 0


def _print_brief(body: dict) -> None:
    numbers: dict = {}
    for sentence in body["sentences"]:
        marks = "".join(f"[{numbers.setdefault(c, len(numbers) + 1)}]" for c in sentence["citations"])
        out.print(f"{sentence['text']} {marks}", markup=False, highlight=False)
    if numbers:
        out.print("\nSources: " + "  ".join(f"[{n}] {c}" for c, n in numbers.items()), markup=False,
                  highlight=False)
    facts = body["facts"]
    for label, key in (("People", "people"), ("Organisations", "organisations"), ("Places", "places")):
        if facts[key]:
            out.print(f"{label}: " + ", ".join(m["name"] for m in facts[key][:10]), markup=False, highlight=False)
    if facts["dates"]:
        out.print("Dates: " + ", ".join(f"{d['text']} ({d['date']})" if d["date"] else d["text"]
                                        for d in facts["dates"][:10]), markup=False, highlight=False)
    for quote in facts["quotes"][:5]:
        out.print(f"“{quote['text']}” — {quote['speaker'] or 'unattributed'}", markup=False, highlight=False)
    agreement = body["agreement"]
    if agreement:
        for conflict in agreement["conflicts"]:
            values = "; ".join(f"{v['value']} ({', '.join(map(str, v['articles']))})" for v in conflict["values"])
            out.print(f"Conflicting — {conflict['about']}: {values}", markup=False, highlight=False)
        for article, statements in agreement["only_in"].items():
            for statement in statements:
                out.print(f"Only in {article}: {statement['text']}", markup=False, highlight=False)


def _since(value: str | None) -> str | None:
    """'3d', '12h', '2w' or an ISO date -> an ISO timestamp to compare with."""
    if not value:
        return None
    units = {"h": 1 / 24, "d": 1, "w": 7}
    if value[:-1].isdigit() and value[-1] in units:
        moment = datetime.now(timezone.utc) - timedelta(days=int(value[:-1]) * units[value[-1]])
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise SystemExit(f"storyline: --since takes 3d, 12h, 2w or an ISO date, not {value!r}") from None


def cmd_stories(args) -> int:
    with open_store(args.db) as store:
        rows = store.list_stories(since=_since(args.since), limit=args.limit, offset=args.offset)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    _print_stories(rows)
    return 0


def _print_stories(rows: list[dict]) -> None:
    table = Table("story", "last seen", "articles", "title", "outlets")
    for r in rows:
        table.add_row(str(r["id"]), (r["last_seen"] or "")[:16], str(len(r["articles"])), r["title"] or "",
                      ", ".join(r["outlets"]))
    out.print(table)


def cmd_story(args) -> int:
    with open_store(args.db) as store:
        story = store.get_story(args.story_id)
    if story is None:
        err.print(f"no story with id {args.story_id}")
        return 1
    if args.json:
        story["articles"] = [{k: a[k] for k in ("id", "outlet", "title", "published", "url", "duplicate_of")}
                             for a in story["articles"]]
        print(json.dumps(story, ensure_ascii=False, indent=2))
        return 0
    out.print(f"[bold]{story['title']}[/bold]", highlight=False)
    out.print(f"{story['first_seen']} – {story['last_seen']} · {', '.join(story['outlets'])}", highlight=False)
    for a in story["articles"]:
        copy = f"  (near-copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
        out.print(f"  {a['id']:>5}  {(a['published'] or '')[:16]}  {a['outlet']}: {a['title']}{copy}",
                  highlight=False, markup=False)
    return 0


def cmd_recluster(args) -> int:
    from storyline.stories import recluster

    with open_store(args.db) as store:
        placed = recluster(store, _since(args.since))
        stories = store.db.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
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
        print(json.dumps({"report": report.as_json(), "articles": [_article_summary(r) for r in rows],
                          "stories": stories}, ensure_ascii=False, indent=2))
        return 0
    _print_report(report, False)
    _print_articles(rows)
    _print_stories(stories)
    out.print(f"{len(rows)} articles from {len({r['outlet'] for r in rows})} outlets, "
              f"{len(stories)} stories, in {args.db}")
    return 0


def cmd_serve(args) -> int:
    """Serve the web reader and the JSON API (storyline.web)."""
    import os

    from storyline.web.serve import serve

    token = args.token or os.environ.get("STORYLINE_TOKEN") or None
    err.print(f"Storyline reader on http://{args.host}:{args.port}  ({args.db}; "
              f"{'writes need the token' if token else 'read-only: no write token'})", highlight=False)
    serve(args.db, host=args.host, port=args.port, token=token, workers=args.workers,
          access_log=args.access_log, settings=_settings(args))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storyline", description="No time to read? Get a summary.")
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    parser.add_argument("--db", default=None,
                        help="SQLite file (default: $STORYLINE_DB, else a file in your data directory)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow fetching private, loopback and link-local addresses")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per network step")
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
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--outlet")
    p = command("show", cmd_show, "show one article")
    p.add_argument("article_id", type=int)
    p = command("failures", cmd_failures, "items that could not be added, with the reason")
    p.add_argument("--all", action="store_true", help="include failures later resolved")
    p = command("stories", cmd_stories, "list stories, newest first")
    p.add_argument("--since", help="only stories seen since: 3d, 12h, 2w or an ISO date")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p = command("story", cmd_story, "show one story and its articles")
    p.add_argument("story_id", type=int)
    p = command("recluster", cmd_recluster, "rebuild stories in batch")
    p.add_argument("--since", help="only articles seen since: 30d, 2w or an ISO date (default: all)")
    p = command("summarize", cmd_summarize, "summarize a stored article or an article file")
    p.add_argument("target", metavar="ARTICLE_ID|PATH")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, help="at most this many sentences")
    length.add_argument("--words", type=int, help="about this many words")
    p = command("brief", cmd_brief, "brief a stored story, or several article files")
    p.add_argument("targets", nargs="+", metavar="STORY_ID|PATH")
    p.add_argument("--words", type=int, default=120, help="length of the brief in words (default 120)")
    p = command("demo", cmd_demo, "load the demo corpus and list what was stored")
    p.add_argument("--corpus", type=Path, default=DEMO_CORPUS)
    p = command("serve", cmd_serve, "serve the web reader and the JSON API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", help="write token for adding sources and articles (or $STORYLINE_TOKEN; "
                                   "none: writes are refused)")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        err.print("interrupted; run the same command again to resume")
        return 130


if __name__ == "__main__":
    sys.exit(main())
