"""``flask --app wsgi exchange worker``: take job tasks from the queue (JOB_QUEUE=worker)."""

from __future__ import annotations

import logging
import signal
import threading

import click

from exchange.jobs import queue, services


def register(cli):
    @cli.command("worker")
    @click.option("--burst", is_flag=True, help="Exit when no job is queued or running.")
    def worker_cmd(burst):
        """Run clearing and kliring tasks; start one or more per machine (PostgreSQL)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        me = queue.worker_id()
        click.echo(f"worker {me} started; Ctrl+C stops it", err=True)
        try:
            done = queue.work(services.run_task, worker=me, burst=burst, stop=stop)
        except KeyboardInterrupt:
            done = None
        click.echo(f"worker {me} stopped (tasks done: {done})", err=True)
