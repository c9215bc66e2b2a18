"""Bursa Pesantren: the inter-pesantren trade exchange.

The package root stays light: pure cores (``python -m exchange.matching``, the tests of
``deals/states.py``) import without Flask, the models or the views. ``create_app`` loads the
app factory (``exchange/app.py``) on first use, the one deferred import of the package.
"""

from __future__ import annotations


def create_app(config_name: str | None = None, **overrides):
    """The Flask app (``exchange.app.create_app``)."""
    from exchange.app import create_app as factory

    return factory(config_name, **overrides)
