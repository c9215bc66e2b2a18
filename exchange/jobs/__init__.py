"""Background jobs: a clearing (matching) or kliring (netting) run as a job of tasks that worker
processes, or the app's own process, take from one queue table (docs/jobs.md)."""
