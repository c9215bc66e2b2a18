"""Helpers every domain's web layer shares: forms, links, redirects, refusals.

Views and forms of any domain may import from here; services, queries and pure cores never do.
"""
