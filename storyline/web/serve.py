"""Running the reader: uvicorn over `create_app`, one process or several."""
from __future__ import annotations

import asyncio
import os
import sys

from storyline.config import FetchSettings

# Seconds uvicorn waits, after SIGTERM, for requests in flight before cancelling them.
SHUTDOWN_GRACE = 3.0


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          workers: int = 1, access_log: bool = False, settings: FetchSettings | None = None,
          base_url: str | None = None, poller=None) -> None:
    """`base_url` (default $STORYLINE_BASE_URL): the public URL absolute links use.
    `poller` (storyline.worker.WorkerSettings): poll feeds and run the pipeline in
    this process, beside the server; None: the reader only (a `storyline worker` polls)."""
    worker = None
    if poller is not None:
        from storyline.worker import Worker

        worker = Worker(db, settings=poller, fetch=settings).start()
    try:
        _serve(db, host=host, port=port, token=token, workers=workers, access_log=access_log,
               settings=settings, base_url=base_url, worker=worker)
    finally:
        if worker is not None:
            worker.stop()


def _serve(db: str, *, host: str, port: int, token: str | None, workers: int, access_log: bool,
           settings: FetchSettings | None, base_url: str | None, worker) -> None:
    import uvicorn

    options = dict(host=host, port=port, log_level="warning", access_log=access_log,
                   proxy_headers=False, server_header=False, timeout_graceful_shutdown=SHUTDOWN_GRACE)
    if workers > 1:  # each worker process opens the app from the environment
        os.environ["STORYLINE_DB"] = str(db)
        if token:
            os.environ["STORYLINE_TOKEN"] = token
        if settings is not None and settings.allow_private:
            os.environ["STORYLINE_ALLOW_PRIVATE"] = "1"
        if base_url:
            os.environ["STORYLINE_BASE_URL"] = base_url
        uvicorn.run("storyline.web.app:app_from_env", factory=True, workers=workers, **options)
        return
    from storyline.web import create_app

    app = create_app(db, token=token, settings=settings, base_url=base_url)
    app.state.worker = worker  # its counters for /metrics

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            app.state.reader.stopping.set()  # searches in flight stop now, not after the grace period
            super().handle_exit(sig, frame)

        async def shutdown(self, sockets=None) -> None:
            await super().shutdown(sockets=sockets)
            if worker is not None:  # now: uvicorn re-raises the signal once serving ends
                await asyncio.to_thread(worker.stop)

    server = Server(uvicorn.Config(app, **options))
    server.run()
    if not server.started:  # as uvicorn.run: the address could not be bound
        sys.exit(3)
