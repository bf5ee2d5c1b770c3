"""Running the reader: uvicorn over `create_app`, one process or several."""
from __future__ import annotations

import os

from storyline.config import FetchSettings


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          workers: int = 1, access_log: bool = False, settings: FetchSettings | None = None) -> None:
    import uvicorn

    options = dict(host=host, port=port, log_level="warning", access_log=access_log,
                   proxy_headers=False, server_header=False)
    if workers > 1:  # each worker process opens the app from the environment
        os.environ["STORYLINE_DB"] = str(db)
        if token:
            os.environ["STORYLINE_TOKEN"] = token
        if settings is not None and settings.allow_private:
            os.environ["STORYLINE_ALLOW_PRIVATE"] = "1"
        uvicorn.run("storyline.web.app:app_from_env", factory=True, workers=workers, **options)
        return
    from storyline.web import create_app
    uvicorn.run(create_app(db, token=token, settings=settings), **options)
