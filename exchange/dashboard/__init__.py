"""The staff dashboard: how the pesantren economy trades, the audit log and moderation."""
