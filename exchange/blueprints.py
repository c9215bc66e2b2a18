"""The web blueprints of every domain, in one list (each domain adds its line)."""

from exchange.api.token_views import bp as api_tokens
from exchange.api.views import bp as api
from exchange.auth.views import bp as auth
from exchange.catalogue.views import bp as catalogue
from exchange.dashboard.views import bp as staff
from exchange.deals import (  # noqa: F401 - routes on deals
    bundle_views,
    dispute_views,
    document_views,
    notification_views,
)
from exchange.deals.views import bp as deals
from exchange.digests.views import bp as digests
from exchange.freight.views import bp as freight
from exchange.home.views import bp as dashboard
from exchange.jobs.views import bp as jobs
from exchange.listings.views import bp as listings
from exchange.matching.views import bp as matching
from exchange.metrics.views import bp as metrics
from exchange.netting.views import bp as netting
from exchange.pesantren.views import bp as pesantren
from exchange.pools.views import bp as pools
from exchange.privacy.views import bp as privacy
from exchange.site.views import bp as site
from exchange.whatsapp.views import bp as whatsapp


def BLUEPRINTS():  # noqa: N802 - reads as the constant it stands for
    return [
        site,
        auth,
        pesantren,
        catalogue,
        listings,
        matching,
        netting,
        jobs,
        pools,
        freight,
        deals,
        dashboard,
        staff,
        digests,
        privacy,
        api,
        api_tokens,
        whatsapp,
        metrics,
    ]
