"""`storyline status`: feeds due, healthy and failing (last error, next try),
the job queue, live workers and the last round of polls, from the database
every process shares. Stored strings (URLs, titles, errors, worker names) are
printed as plain text."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text

from storyline.cli.output import one_line, out, print_json
from storyline.status import status, time_ago
from storyline.storage import open_store


def cmd_status(args) -> int:
    with open_store(args.db) as store:
        report = status(store)
    if args.json:
        print_json(report)
        return 0
    _print_status(report)
    return 0


def add_commands(command) -> None:
    command("status", cmd_status, "feeds due, healthy and failing, the job queue, workers and the last polls")


def _when(iso: str | None, none: str = "never") -> str:
    return f"{one_line(iso)} ({time_ago(iso)})" if iso else none


def _print_status(report: dict) -> None:
    feeds, last = report["feeds"], report["last_round"]
    out.print(f"feeds: {feeds['total']} ({feeds['healthy']} healthy, {feeds['failing']} failing, "
              f"{feeds['never_polled']} never polled); {feeds['due']} due now")
    out.print(f"last poll: {_when(last['last_poll'])}; last hour: {last['polls_last_hour']} polls, "
              f"{last['failed_last_hour']} failed, {last['new_items_last_hour']} new items")
    out.print(f"last update: {_when(report['last_update'], 'nothing has come in yet')}")
    workers = report["workers"]
    out.print(f"workers alive: {workers['alive']}"
              + ("" if workers["alive"] else " (nothing polls: run `storyline serve` or `storyline worker`)"))
    for worker in workers["list"]:
        out.print(f"  {one_line(worker['name'])}  seen {_when(worker['seen'])}, {worker['jobs_done']} jobs done")
    if report["queue"]:
        table = Table("job", "queued", "running", "failed", title="queue", title_justify="left")
        for kind, states in sorted(report["queue"].items()):
            table.add_row(Text(one_line(kind)), *(str(states.get(s, 0)) for s in ("queued", "running", "failed")))
        out.print(table)
    else:
        out.print("queue: empty")
    if feeds["failing_feeds"]:
        # One block a feed, not a table: URLs and errors stay whole on one line each (grep, narrow terminals).
        out.print(f"failing feeds ({len(feeds['failing_feeds'])}):")
        for feed in feeds["failing_feeds"]:
            title = f"  ({one_line(feed['title'])})" if feed["title"] else ""
            next_try = "due now" if feed["due"] else _when(feed["next_try"])
            out.print(f"  {one_line(feed['url'])}{title}")
            out.print(f"    {feed['errors']} failed polls in a row; last success {_when(feed['last_ok'])}; "
                      f"next try {next_try}")
            out.print(f"    last error: {one_line(feed['last_error'])}")
