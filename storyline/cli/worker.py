"""`storyline worker` (polling and the pipeline, headless), the polling options
`storyline serve` shares with it, and `storyline schedule` (a feed's own interval)."""
from __future__ import annotations

import signal
import threading

from storyline.cli import values
from storyline.cli.output import err, out
from storyline.storage import open_store


def add_polling_options(p) -> None:
    p.add_argument("--poll-interval", type=values.interval, default=None, metavar="INTERVAL",
                   help="how often each feed is polled unless it has its own interval or asks for a longer "
                        "one: 90s, 10m, 2h (default $STORYLINE_POLL_INTERVAL, else 30m)")
    p.add_argument("--concurrency", type=values.concurrency, default=None,
                   help="jobs and requests at once (1 to 64; default 4)")
    p.add_argument("--host-gap", type=values.gap, default=None, metavar="SECONDS",
                   help="seconds between two requests to one host (default 1)")


def poller_settings(args):
    from storyline.worker import WorkerSettings

    return WorkerSettings.from_env(interval=args.poll_interval, concurrency=args.concurrency,
                                   host_gap=args.host_gap)


def cmd_worker(args, fetch_settings) -> int:
    """Poll feeds and run the pipeline until SIGTERM or Ctrl-C."""
    from storyline.worker import Worker

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = Worker(args.db, settings=poller_settings(args), fetch=fetch_settings).start()
    err.print(f"Storyline worker {worker.name}: polling every {worker.settings.interval} s by default, "
              f"{worker.settings.concurrency} at once (Ctrl-C stops)", markup=False, highlight=False)
    try:
        stop.wait()
    finally:
        worker.stop()
    return 0


def cmd_schedule(args) -> int:
    """Give a feed its own polling interval, or back to the default."""
    seconds = args.interval
    with open_store(args.db) as store:
        if not store.set_poll_every(args.feed, seconds):
            from storyline.cli.output import fail
            return fail(f"no feed {args.feed} (add it first with `storyline add`)")
    out.print(f"{args.feed}: polled every {seconds} s" if seconds else f"{args.feed}: polled at the default interval",
              markup=False, highlight=False)
    return 0
