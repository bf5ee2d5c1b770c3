"""A throwaway PostgreSQL server for tests, benchmarks and trying Storyline out.

It runs Debian's server binaries (package `postgresql`) on a fresh cluster in a temporary
directory, listening on a free port of 127.0.0.1 and on a unix socket in that directory, and
leaves nothing behind when it stops.
"""
from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

USER = "storyline"
HOST = "127.0.0.1"
DEBIAN_SERVER_ROOT = Path("/usr/lib/postgresql")
# initdb refuses to run as root; Debian's package creates this account for the server.
SERVER_ACCOUNT = "postgres"
LOG_TAIL_LINES = 10
START_ATTEMPTS = 3
TOOL_TIMEOUT = 120  # seconds; pg_ctl -w itself gives up after 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message is one line saying why."""


def find_server_binaries() -> str | None:
    """The folder holding `initdb` and `pg_ctl`: Debian's newest version, else the PATH's."""
    versions = []
    for candidate in DEBIAN_SERVER_ROOT.glob("*/bin"):
        if re.fullmatch(r"\d+", candidate.parent.name) and _has_server_tools(candidate):
            versions.append((int(candidate.parent.name), candidate))
    if versions:
        return str(max(versions)[1])
    initdb = shutil.which("initdb")
    if initdb and _has_server_tools(Path(initdb).parent):
        return str(Path(initdb).parent)
    return None


def _has_server_tools(folder: Path) -> bool:
    return all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl"))


class ThrowawayPostgres:
    """`with ThrowawayPostgres() as pg: url = pg.create_database("news")`."""

    def __init__(self, *, bin_dir: str | None = None) -> None:
        self.bin_dir = bin_dir
        self.directory: Path | None = None
        self.port = 0
        self.url_base = ""

    # -- lifetime ---------------------------------------------------------------------------

    def __enter__(self) -> ThrowawayPostgres:
        bin_dir = Path(self.bin_dir) if self.bin_dir is not None else None
        if bin_dir is None:
            found = find_server_binaries()
            if found is None:
                raise PostgresUnavailable(
                    f"no PostgreSQL server binaries (initdb, pg_ctl) under {DEBIAN_SERVER_ROOT} "
                    "or on PATH; install Debian's postgresql package")
            bin_dir = Path(found)
        elif not _has_server_tools(bin_dir):
            raise PostgresUnavailable(f"no executable initdb and pg_ctl in {bin_dir}")
        self._bin = bin_dir
        self._run_as = self._server_account_prefix()
        self.directory = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        try:
            if self._run_as:
                shutil.chown(self.directory, user=SERVER_ACCOUNT)
            self._initdb()
            self._start()
        except BaseException:
            self._stop_if_running()
            self._remove_directory()
            raise
        self.url_base = f"postgresql://{USER}@{HOST}:{self.port}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.directory is None:
            return
        try:
            self._pg_ctl("-m", "fast", "-w", "stop")
        finally:
            self._remove_directory()

    # -- databases ----------------------------------------------------------------------------

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (a copy of `template` if given) and return its URL
        (SQLAlchemy 2.1 and psycopg accept it)."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._admin_connection() as conn:
            conn.execute(statement)
        return f"{self.url_base}/{quote(name, safe='')}"

    def drop_database(self, name: str) -> None:
        """Drop database `name`, closing whatever connections are still open on it."""
        with self._admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin_connection(self) -> psycopg.Connection:
        if not self.url_base:
            raise RuntimeError("the throwaway PostgreSQL is not running (use it in a with block)")
        return psycopg.connect(host=HOST, port=self.port, user=USER, dbname="postgres", autocommit=True)

    # -- the server ---------------------------------------------------------------------------

    @property
    def _data(self) -> Path:
        return self.directory / "data"

    @property
    def _log(self) -> Path:
        return self.directory / "server.log"

    def _server_account_prefix(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root and there is no {SERVER_ACCOUNT!r} user to run PostgreSQL as") from None
        runuser = shutil.which("runuser")
        if runuser is None:
            raise PostgresUnavailable("running as root and runuser is missing")
        return [runuser, "-u", SERVER_ACCOUNT, "--"]

    def _initdb(self) -> None:
        # C collation sorts text by code point, as SQLite does by default.
        result = self._tool("initdb", "-D", str(self._data), "-A", "trust", "-U", USER,
                            "--encoding=UTF8", "--locale=C", "--no-sync")
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {_last_lines(result.stdout + result.stderr)}")

    def _start(self) -> None:
        for _attempt in range(START_ATTEMPTS):
            self.port = _free_port()
            # Durability is off: the data is thrown away, and it makes tests several times faster.
            options = [
                "-p", str(self.port), "-k", str(self.directory), "-c", f"listen_addresses={HOST}",
                "-c", "max_connections=100", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
            ]
            result = self._pg_ctl("-w", "-l", str(self._log), "-o", shlex.join(options), "start")
            if result.returncode == 0:
                return
            log = self._log.read_text(errors="replace") if self._log.exists() else ""
            # Another process may take the chosen port between choosing and binding it.
            if "could not bind" not in log and "in use" not in log:
                break
        raise PostgresUnavailable(
            f"the PostgreSQL server did not start: {_last_lines(log or result.stdout + result.stderr)}")

    def _stop_if_running(self) -> None:
        # A start interrupted (Ctrl-C, a timeout) may leave a server behind on a folder about to go.
        if (self._data / "postmaster.pid").exists():
            try:
                self._pg_ctl("-m", "immediate", "-w", "stop")
            except PostgresUnavailable:
                pass

    def _pg_ctl(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return self._tool("pg_ctl", "-D", str(self._data), *arguments)

    def _tool(self, name: str, *arguments: str) -> subprocess.CompletedProcess[str]:
        # The server account cannot enter the caller's folder (often /root), so run from ours.
        command = [*self._run_as, str(self._bin / name), *arguments]
        try:
            return subprocess.run(command, cwd=self.directory, capture_output=True, text=True,
                                  timeout=TOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PostgresUnavailable(f"{name} did not finish within {TOOL_TIMEOUT} s") from None

    def _remove_directory(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
            self.url_base = ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _last_lines(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-LOG_TAIL_LINES:]) or "(no output)"
