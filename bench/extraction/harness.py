"""Run an extractor over the pages: outputs, extraction-only wall time, memory."""
from __future__ import annotations

import gc
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from .data import Page

# page -> main text ("" or None when the extractor finds nothing)
Extractor = Callable[[Page], "str | None"]


@dataclass
class Run:
    outputs: dict[str, str]
    seconds: float          # wall time of the extractor calls only
    pages_per_s: float
    errors: int             # pages on which the extractor raised (scored as empty)
    tracemalloc_mb: float | None = None
    maxrss_mb: float | None = None


def call_safely(fn: Extractor, page: Page) -> tuple[str, bool]:
    try:
        return fn(page) or "", False
    except Exception:  # an extractor that gives up on a page scores empty there
        return "", True


def timed_pass(fn: Extractor, pages: list[Page]) -> tuple[dict[str, str], float, int]:
    """One pass: outputs, seconds spent inside ``fn`` only, pages on which it raised."""
    gc.collect()
    outputs, errors, spent = {}, 0, 0.0
    for page in pages:
        start = time.perf_counter()
        text, failed = call_safely(fn, page)
        spent += time.perf_counter() - start
        outputs[page.id] = text
        errors += failed
    return outputs, spent, errors


def run(fn: Extractor, pages: list[Page], memory: bool = False, repeat: int = 1) -> Run:
    """One warm-up page, then timed passes over all pages (the fastest of ``repeat`` counts).
    With ``memory``, one more untimed pass under tracemalloc records its peak, and
    ru_maxrss (whole process, so it includes the loaded corpus) is read afterwards."""
    call_safely(fn, pages[0])
    best, outputs, errors = float("inf"), {}, 0
    for _ in range(max(1, repeat)):
        outputs, spent, errors = timed_pass(fn, pages)
        best = min(best, spent)
    result = Run(outputs, best, len(pages) / best if best else float("inf"), errors)
    if memory:
        gc.collect()
        tracemalloc.start()  # slows allocation: kept out of the timed passes
        for page in pages:
            call_safely(fn, page)
        result.tracemalloc_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        result.maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result
