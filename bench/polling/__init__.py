"""Polling benchmark: the always-on worker against a loopback feed farm
(python -m bench.polling; see __main__.py)."""
