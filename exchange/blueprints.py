"""The web blueprints of every domain, in one list (each domain adds its line)."""


def BLUEPRINTS():  # noqa: N802 - reads as the constant it stands for
    from exchange.auth.views import bp as auth
    from exchange.catalogue.views import bp as catalogue
    from exchange.home.views import bp as dashboard
    from exchange.matching.views import bp as matching
    from exchange.pesantren.views import bp as pesantren
    from exchange.site.views import bp as site

    return [site, auth, pesantren, catalogue, matching, dashboard]
