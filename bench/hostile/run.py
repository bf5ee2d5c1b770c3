"""Running a case: the real `storyline` command in a child process, timed, with
its peak memory (ru_maxrss from wait4), and judged."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The checkout under attack: this one, or another (`--root`, e.g. an older commit
# checked out with `git worktree add`), run as `python -m storyline` from there.
TARGET = {"root": ROOT}


def storyline_argv() -> list[str]:
    """`python -m storyline`, to be run in the target's folder (`-m` puts the
    working directory first on sys.path, before any installed copy)."""
    return [sys.executable, "-m", "storyline"]


def target_env() -> dict[str, str]:
    return {"PYTHONPATH": str(TARGET["root"])}
MEMORY_BAR = 400 * 1024 * 1024  # bytes: the bar for any `add`


@dataclass
class Run:
    returncode: int | None
    stdout: str
    stderr: str
    peak_rss: int  # bytes
    seconds: float
    timed_out: bool


@dataclass
class Outcome:
    case: str
    group: str
    status: str  # ok, crashed, hung, over-memory, wrong
    detail: str = ""
    seconds: float = 0.0
    peak_rss: int = 0
    extra: dict = field(default_factory=dict)


def run_measured(argv: list[str], *, timeout: float, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> Run:
    """Run argv to the end (or kill its process group at `timeout`), keeping its
    output in files (no pipe can fill up) and its peak resident memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd or TARGET["root"],
                                env={**os.environ, **target_env(), **(env or {})}, start_new_session=True)
        result: dict = {}

        def reap() -> None:
            _pid, status, usage = os.wait4(proc.pid, 0)
            result["status"] = status
            result["rss"] = usage.ru_maxrss * 1024  # KiB on Linux

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            waiter.join(10)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(result["status"]) if "status" in result else None
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), result.get("rss", 0), seconds, timed_out)


def storyline(db: str, *args: str, timeout: float = 120.0, allow_private: bool = True,
              env: dict[str, str] | None = None) -> Run:
    argv = storyline_argv() + ["--db", db] + (["--allow-private"] if allow_private else []) + list(args)
    return run_measured(argv, timeout=timeout, env={"STORYLINE_SPACY_MODEL": "", **(env or {})})


def judge_process(case: str, group: str, run: Run, *, expect_exit: set[int] | None = None,
                  memory_bar: int = MEMORY_BAR) -> Outcome | None:
    """The outcome when the process itself went wrong, else None (go on to check what it did)."""
    base = dict(case=case, group=group, seconds=run.seconds, peak_rss=run.peak_rss)
    if run.timed_out:
        return Outcome(status="hung", detail=f"still running after {run.seconds:.0f} s", **base)
    if "Traceback (most recent call last)" in run.stderr or "Traceback" in run.stdout:
        last = [line for line in run.stderr.strip().splitlines() if line.strip()][-1:]
        return Outcome(status="crashed", detail="traceback: " + (last[0] if last else "?"), **base)
    if run.returncode is not None and run.returncode < 0:
        return Outcome(status="crashed", detail=f"killed by signal {-run.returncode}", **base)
    if run.peak_rss > memory_bar:
        return Outcome(status="over-memory", detail=f"peak RSS {run.peak_rss / 2**20:.0f} MB", **base)
    if expect_exit is not None and run.returncode not in expect_exit:
        return Outcome(status="wrong", detail=f"exit {run.returncode}, expected {sorted(expect_exit)}; "
                       f"stderr: {run.stderr.strip()[:200]}", **base)
    return None


def ok(case: str, group: str, run: Run | None = None, detail: str = "") -> Outcome:
    return Outcome(case, group, "ok", detail, run.seconds if run else 0.0, run.peak_rss if run else 0)
