"""The periodic jobs (clearing, digests, expiry, reminders, mail) and the process that runs them."""
