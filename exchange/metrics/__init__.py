"""Prometheus metrics (docs/production.md, "Metrics").

- ``instruments``: the process's own measurements (request latency by endpoint, scheduler job
  durations) and the registry of gauges read at scrape time (``register_gauge``).
- ``sources``: the gauges read from the database when Prometheus scrapes (outbox backlog, the
  latest clearing run).
- ``views``: the request timing hooks and ``/metrics`` (staff, or the scrape token; 404 else).
"""
