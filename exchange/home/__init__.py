"""The manager's dashboard: proposals, reciprocal partners, and (from the deals domain) the
deals waiting for them."""
