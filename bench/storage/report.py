"""The side-by-side table: metric | SQLite | PostgreSQL | ratio | aim.

The ratio is always PostgreSQL's cost over SQLite's (for a rate, SQLite's
rate over PostgreSQL's), so "within 2x" reads the same on every row."""
from __future__ import annotations

from dataclasses import dataclass

RATIO_AIM = 2.0
ADD_AIM_MS = 50.0


@dataclass
class Row:
    metric: str
    sqlite: float | None
    postgres: float | None
    unit: str
    higher_is_better: bool = False
    ratio_aim: bool = True  # the "PostgreSQL within 2x" aim applies
    ceiling: float | None = None  # an aim on the figure itself, on both databases

    @property
    def ratio(self) -> float:
        if self.sqlite is None or self.postgres is None:
            return float("nan")
        if self.higher_is_better:
            return self.sqlite / self.postgres if self.postgres else float("inf")
        return self.postgres / self.sqlite if self.sqlite else float("inf")

    def aim(self) -> str:
        parts = []
        if self.ratio_aim:
            parts.append(f"ratio <= {RATIO_AIM:g}: {'met' if self.ratio <= RATIO_AIM else 'NOT met'}")
        if self.ceiling is not None and None not in (self.sqlite, self.postgres):
            met = max(self.sqlite, self.postgres) <= self.ceiling
            parts.append(f"<= {self.ceiling:g} {self.unit} both: {'met' if met else 'NOT met'}")
        return "; ".join(parts) or "-"


def rows(results: dict) -> list[Row]:
    s, p = results["sqlite"], results["postgresql"]
    n = s["ingest"]["added"]
    big = s["grow"]["articles"]
    return [
        Row(f"ingest {n:,} articles (pipeline)", s["ingest"]["articles_per_s"], p["ingest"]["articles_per_s"],
            "articles/s", higher_is_better=True),
        Row("  of which in the database, per article", _per_article_ms(s["ingest"]), _per_article_ms(p["ingest"]),
            "ms", ratio_aim=False),
        Row("  of which re-briefing the stories, per article", _per_article_ms(s["ingest"], "brief_refresh_seconds"),
            _per_article_ms(p["ingest"], "brief_refresh_seconds"), "ms", ratio_aim=False),
        Row(f"load to {big:,} articles (direct inserts)", s["grow"]["seconds"], p["grow"]["seconds"], "s",
            ratio_aim=False),
        Row(f"add one article at {big:,} (brief refresh apart), median", s["add"]["unbriefed_median_ms"],
            p["add"]["unbriefed_median_ms"], "ms", ceiling=ADD_AIM_MS),
        Row("  in the database (brief refresh too), median", s["add"]["database_median_ms"],
            p["add"]["database_median_ms"], "ms", ratio_aim=False),
        Row("  in all, joining a story (re-briefs it), median", s["add"]["joining_median_ms"],
            p["add"]["joining_median_ms"], "ms", ratio_aim=False),
        Row("  in all, starting a story, median", s["add"]["starting_median_ms"],
            p["add"]["starting_median_ms"], "ms", ratio_aim=False),
        Row(f"search p95 ({s['search']['queries']} queries)", s["search"]["p95_ms"], p["search"]["p95_ms"], "ms"),
        Row("search p50", s["search"]["p50_ms"], p["search"]["p50_ms"], "ms", ratio_aim=False),
        Row(f"story page p95 ({s['story_pages']['pages']} pages)", s["story_pages"]["p95_ms"],
            p["story_pages"]["p95_ms"], "ms"),
        Row("story page p50", s["story_pages"]["p50_ms"], p["story_pages"]["p50_ms"], "ms", ratio_aim=False),
    ]


def _per_article_ms(ingest: dict, seconds: str = "database_seconds") -> float:
    return round(ingest[seconds] * 1000 / max(1, ingest["added"]), 1)


def table(results: dict) -> str:
    lines = [f"{'metric':<60}{'SQLite':>10}{'PostgreSQL':>12}{'ratio':>8}  aim"]
    for row in rows(results):
        label = f"{row.metric}, {row.unit}"
        lines.append(f"{label:<60}{_figure(row.sqlite):>10}{_figure(row.postgres):>12}{row.ratio:>7.2f}x  {row.aim()}")
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
