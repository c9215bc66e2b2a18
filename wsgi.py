"""WSGI entry point: ``gunicorn 'wsgi:app'`` and ``flask --app wsgi ...``."""

from exchange import create_app

app = create_app()
