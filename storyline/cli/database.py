"""`storyline migrate` and `storyline copy`: the schema of a database, and a
whole database moved to another (SQLite file or PostgreSQL URL, either way)."""
from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storyline.cli.output import err, out, print_json
from storyline.storage import open_store, schema


def cmd_migrate(args) -> int:
    """Create or upgrade the schema (opening a store does it); idempotent."""
    with open_store(args.db) as store:
        revision = store.schema_revision()
        counts = {"articles": store.count_articles(), "stories": store.count_stories()}
    report = {"database": store.path, "revision": revision, "head": schema.HEAD, **counts}
    if args.json:
        print_json(report)
    else:
        out.print(f"{store.path}: schema {revision} (newest: {schema.HEAD}); "
                  f"{counts['articles']} articles, {counts['stories']} stories", markup=False, highlight=False)
    return 0


def cmd_copy(args) -> int:
    from storyline.storage.copy import copy_database

    with open_store(args.source) as source, open_store(args.target) as target:
        if err.is_terminal and not args.json:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True) as bar:
                tasks: dict[str, int] = {}

                def progress(table: str, done: int, total: int) -> None:
                    if table not in tasks:
                        tasks[table] = bar.add_task(table, total=total)
                    bar.update(tasks[table], completed=done)
                counts = copy_database(source, target, progress)
        else:
            counts = copy_database(source, target)
    if args.json:
        print_json({"from": source.path, "to": target.path, "copied": counts})
    else:
        out.print(f"copied {counts['articles']} articles, {counts['stories']} stories and "
                  f"{sum(counts.values())} rows in all from {source.path} to {target.path}; counts verified",
                  markup=False, highlight=False)
    return 0
