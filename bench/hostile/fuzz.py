"""The property-based fuzzers of tests/test_fuzz.py, run for a fixed time budget
instead of a fixed number of examples, in a child process (so its peak memory is
its own). Every example counts; a property that fails or raises is a crash (kept,
not shrunk), an example over HANG_SECONDS is a hang.

    python -m bench.hostile.fuzz SECONDS   (prints one JSON line)
"""
from __future__ import annotations

import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.hostile.run import Outcome, judge_process, run_measured

HANG_SECONDS = 20


class _Hung(Exception):
    pass


def _targets():
    from hypothesis import strategies as st

    from tests import test_fuzz as f

    def batch(json_feed, xml_feed, lines, text, page, opml):
        files = {"feed.json": json_feed, "feed.xml": xml_feed, "notes.txt": text, "page.html": page,
                 "subs.opml": opml, "batch.jsonl": "\n".join(lines + [f.GOOD_LINE]).encode("utf-8", "surrogatepass")}
        with tempfile.TemporaryDirectory() as tmp:
            f.ingestion_holds(files, Path(tmp))

    return {
        "RSS/Atom parsing": (st.tuples(st.one_of(f.xml_feed_documents(), st.binary(max_size=300))),
                             f.feed_parsing_holds, 1),
        "JSON Feed parsing": (st.tuples(st.one_of(f.json_feed_documents(), f.deeply_nested_json().map(
            lambda s: ('{"items": ' + s + "}").encode()))), f.feed_parsing_holds, 1),
        "OPML parsing": (st.tuples(st.one_of(f.opml_documents(), st.binary(max_size=200))), f.opml_parsing_holds, 1),
        "HTML extraction": (st.tuples(f.html_documents()), f.extraction_holds, 1),
        "text-file extraction": (st.tuples(f.text_documents(), st.just("text")), f.extraction_holds, 1),
        "ingestion of hostile batches": (st.tuples(
            f.json_feed_documents(good=f.GOOD_FEED_ITEM), f.xml_feed_documents(well_formed=True),
            st.lists(f.jsonl_lines(), max_size=5), f.text_documents(), f.html_documents(), f.opml_documents()),
            batch, 3),
    }


def fuzz(seconds: float) -> dict:
    """Each target gets a share of `seconds` (the batch target, slower per
    example, a larger one); returns per target: tried, crashed, hung, first crashes."""
    from hypothesis import HealthCheck, Phase, given, settings

    targets = _targets()
    shares = sum(weight for _, _, weight in targets.values())
    results = {}
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(_Hung()))
    for name, (strategy, prop, weight) in targets.items():
        stats = {"tried": 0, "crashed": 0, "hung": 0, "examples": []}
        until = time.monotonic() + seconds * weight / shares

        def check(args) -> None:
            stats["tried"] += 1
            signal.alarm(HANG_SECONDS)
            try:
                prop(*args)
            except _Hung:
                stats["hung"] += 1
            except Exception as exc:  # noqa: BLE001 - counting what escapes is the point
                stats["crashed"] += 1
                if len(stats["examples"]) < 3:
                    stats["examples"].append(f"{type(exc).__name__}: {str(exc)[:200]} <- {repr(args)[:200]}")
            finally:
                signal.alarm(0)

        rounds = settings(max_examples=20, deadline=None, database=None, derandomize=False,
                          phases=[Phase.generate], suppress_health_check=list(HealthCheck))(given(strategy)(check))
        while time.monotonic() < until:
            rounds()  # 20 fresh random examples a round, until the target's share of time is spent
        results[name] = stats
    return results


def run_all(seconds: float, tmp: Path) -> list[Outcome]:
    run = run_measured([sys.executable, "-m", "bench.hostile.fuzz", str(seconds)],
                       timeout=seconds * 2 + 120, cwd=str(Path(__file__).resolve().parents[2]))
    bad = judge_process("fuzzers", "fuzz", run, expect_exit={0})
    if bad:
        return [bad]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    outcomes = []
    for name, stats in results.items():
        status = "crashed" if stats["crashed"] else "hung" if stats["hung"] else "ok"
        detail = f"{stats['tried']} examples" + (f"; {'; '.join(stats['examples'])}" if stats["examples"] else "")
        outcomes.append(Outcome(name, "fuzz", status, detail, extra={k: stats[k] for k in ("tried", "crashed", "hung")},
                                seconds=seconds, peak_rss=run.peak_rss))
    return outcomes


if __name__ == "__main__":
    print(json.dumps(fuzz(float(sys.argv[1]))))
