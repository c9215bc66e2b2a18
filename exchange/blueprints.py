"""The web blueprints of every domain, in one list (each domain adds its line)."""


def BLUEPRINTS():  # noqa: N802 - reads as the constant it stands for
    from exchange.auth.views import bp as auth
    from exchange.dashboard.views import bp as staff
    from exchange.site.views import bp as site

    return [site, auth, staff]
