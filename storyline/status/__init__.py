"""For operators: the state of an always-on Storyline (report.py: `storyline
status`, the sources page, /healthz) and its Prometheus metrics (metrics.py),
read from the database every process shares."""
from storyline.status.report import health, status, time_ago

__all__ = ["health", "status", "time_ago"]
