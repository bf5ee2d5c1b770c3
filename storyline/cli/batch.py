"""`storyline batch` and `storyline load` (storyline.batch)."""
from __future__ import annotations

from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from storyline.batch import BatchError, BatchProgress, BatchSettings, connect, run_batch
from storyline.cli import values
from storyline.cli.output import err, fail, one_line, out, print_json
from storyline.storage import open_store


class _RichBatchProgress(BatchProgress):
    def __init__(self, bar: Progress):
        self.bar = bar
        self.task = None

    def stage(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[-1].total or 0)
        self.task = self.bar.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        self.bar.update(self.task, advance=n)

    def dashboard(self, link: str | None) -> None:
        if link:
            err.print(Text(f"Dask dashboard: {link}"))


class _StageLines(BatchProgress):
    """Not a terminal: one line a stage."""

    def stage(self, name: str, total: int | None = None) -> None:
        err.print(Text(f"{name}" + (f": {total} partitions" if total else "")))

    def dashboard(self, link: str | None) -> None:
        if link:
            err.print(Text(f"Dask dashboard: {link}"))


@contextmanager
def _progress(quiet: bool):
    if quiet:
        yield BatchProgress()
        return
    if not err.is_terminal:
        yield _StageLines()
        return
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err) as bar:
        yield _RichBatchProgress(bar)


def cmd_batch(args) -> int:
    settings = BatchSettings(items_per_partition=args.partition_size, entities=not args.no_entities,
                             briefs=args.briefs)
    try:
        client = connect(args.scheduler, args.workers)
    except OSError as exc:
        return fail(f"cannot reach the Dask scheduler {args.scheduler}: {exc}")
    try:
        with _progress(args.json) as progress:
            report = run_batch(args.inputs, args.out, client=client, settings=settings, progress=progress)
    except BatchError as exc:
        return fail(str(exc))
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and args.scheduler is None:
            cluster.close()
    if args.json:
        print_json(report.as_json())
        return 0
    out.print(f"{report.articles} articles from {report.partitions} partitions "
              f"({report.resumed} done by an earlier run), {report.duplicates} duplicates, "
              f"{report.failed} failed; {report.copies} near-copies, {report.stories} stories, "
              f"{report.briefs} briefs in {one_line(args.out)}")
    out.print("seconds: " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
    return 0


def cmd_load(args) -> int:
    from storyline.batch.load import LoadError, load

    with open_store(args.db) as store:
        try:
            report = load(args.results, store)
        except LoadError as exc:
            return fail(str(exc))
    if args.json:
        print_json(report.as_json())
        return 0
    out.print(f"added {report.added}, duplicates {report.duplicates}, {report.stories} stories, "
              f"{report.briefs} briefs, {report.failures_recorded} failures recorded")
    for failure in report.failed:
        out.print(Text.assemble("  ", ("failed", "red"), f" {one_line(failure.source)}: {one_line(failure.error)}"))
    return 0


_workers = values.whole_number(1, 512, "the number of workers")
_partition_size = values.whole_number(1, 100_000, "the partition size")


def add_commands(command) -> None:
    p = command("batch", cmd_batch, "run the pipeline over folders, JSONL and WARC files on Dask, "
                                    "writing Parquet results (resumes an unfinished run in the same --out)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a folder of HTML or text files, a .jsonl file, "
                                                              "or a .warc / .warc.gz file")
    p.add_argument("--out", required=True, metavar="FOLDER", help="results folder (new, or an unfinished run's)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--workers", type=_workers, help="local cluster worker processes (default: one per core)")
    p.add_argument("--partition-size", type=_partition_size, default=250, metavar="N",
                   help="input items per partition (default 250)")
    p.add_argument("--briefs", choices=("full", "text", "none"), default="full",
                   help="full: with facts and sentence vectors (default); text: without; none")
    p.add_argument("--no-entities", action="store_true", help="skip named-entity recognition")
    p = command("load", cmd_load, "load a batch's results into the database (safe to repeat)")
    p.add_argument("results", metavar="FOLDER")
