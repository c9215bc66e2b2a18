"""Changes a pesantren's integrations follow: the events feed and its webhook deliveries."""
