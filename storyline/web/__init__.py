"""The web reader: server-rendered pages (FastAPI + Jinja2), feeds out, and the
JSON API of storyline.api, as one app over a SQLite store."""
from storyline.web.app import create_app

__all__ = ["create_app"]
