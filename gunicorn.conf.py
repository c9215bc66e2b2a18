# Read by gunicorn from the working directory (`make serve`, the README's production command).
# Access log lines go through exchange.site.accesslog: no reset or unsubscribe tokens in them.
logger_class = "exchange.site.accesslog.ScrubbingLogger"
accesslog = "-"


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set (docs/production.md, "Metrics"), a worker that exits
    leaves its live gauges behind unless marked dead; its counters and histograms are kept."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
