"""What a month of news (10 million articles) would need, from the measured
figures. The model is deliberately simple, and its assumptions are printed
with it:

- one worker (one core, one single-threaded process) does `rate2 / 2`
  articles a second: the 2-worker rate shared out, which is the 1-worker rate
  times the measured efficiency at two (scaling ratio / 2);
- that per-worker rate holds for any number of workers: the map stages
  (extract, enrich) have no shared state and scale so; the shuffle stages
  (learn, copies, stories, briefs) are assumed to as well, which two cores
  cannot show: their share of the time is printed beside the estimate;
- full briefs add, per article, the extra seconds measured on the sample of
  stories (full minus text briefs of the same stories, one worker);
- memory per worker is the highest peak any worker reached here; partitions
  have the same size whatever the input, so it should not grow with it."""
from __future__ import annotations

import math

MONTH = 10_000_000
DAY_HOURS = 24
WORKER_COUNTS = (16, 64, 256)


def estimate(one: dict, two: dict, briefs: dict | None, measured: str = "text", articles: int = MONTH) -> dict:
    """`measured`: the --briefs of the two runs; `briefs`: the full-brief sample, if any."""
    per_worker = two["articles_per_s"] / two["workers"]
    batch_peak = max(one["memory"]["max_worker_peak_mb"] or 0, two["memory"]["max_worker_peak_mb"] or 0)
    modes, memory = {measured: 1 / per_worker}, {measured: batch_peak}
    if briefs and measured != "full":
        # The runs made text briefs (or none): add what full ones cost beyond that.
        more = briefs["extra_s_per_article"] if measured == "text" else briefs["full_s_per_article"]
        modes["full"] = 1 / per_worker + max(0.0, more)
        memory["full"] = max(batch_peak, briefs["memory"]["max_worker_peak_mb"] or 0)
    out = {"articles": articles, "per_worker_articles_per_s": round(per_worker, 2),
           "scaling_ratio": round(two["articles_per_s"] / one["articles_per_s"], 3),
           "shuffle_share_2_workers": round(two["shuffle_s"] / two["wall_s"], 3),
           "shuffle_share_1_worker": round(one["shuffle_s"] / one["wall_s"], 3),
           "modes": {}}
    for mode, seconds_per_article in modes.items():
        worker_hours = articles * seconds_per_article / 3600
        out["modes"][mode] = {
            "worker_s_per_article": round(seconds_per_article, 4),
            "worker_hours": round(worker_hours),
            "workers_for_24h": math.ceil(worker_hours / DAY_HOURS),
            "hours_with": {str(n): round(worker_hours / n, 1) for n in WORKER_COUNTS},
            "memory_per_worker_mb": memory[mode],
        }
    return out


ASSUMPTIONS = [" ".join(item.split()) for item in ("\n" + __doc__.split("\n\n", 1)[1]).split("\n- ")[1:]]
