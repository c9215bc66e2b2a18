"""Import every domain's models so that the metadata is complete (migrations, create_all)."""

from exchange.api import models as _api  # noqa: F401
from exchange.audit import models as _audit  # noqa: F401
from exchange.auth import models as _auth  # noqa: F401
from exchange.auth import throttle as _throttle  # noqa: F401
from exchange.catalogue import models as _catalogue  # noqa: F401
from exchange.dashboard import facts as _facts  # noqa: F401 - its models and session hooks
from exchange.deals import models as _deals  # noqa: F401
from exchange.digests import models as _digests  # noqa: F401
from exchange.events import models as _events  # noqa: F401
from exchange.freight import models as _freight  # noqa: F401
from exchange.jobs import models as _jobs  # noqa: F401
from exchange.listings import models as _listings  # noqa: F401
from exchange.listings import standing_models as _standing  # noqa: F401
from exchange.listings import versions as _versions  # noqa: F401 - the market version and its hooks
from exchange.mail import models as _mail  # noqa: F401
from exchange.matching import models as _matching  # noqa: F401
from exchange.netting import models as _netting  # noqa: F401
from exchange.pesantren import models as _pesantren  # noqa: F401
from exchange.pools import models as _pools  # noqa: F401
from exchange.privacy import models as _privacy  # noqa: F401
from exchange.scheduler import models as _scheduler  # noqa: F401
from exchange.uploads import models as _uploads  # noqa: F401
from exchange.whatsapp import models as _whatsapp  # noqa: F401


def import_all_models() -> None:
    """Nothing left to do: importing this module imported every domain's models."""
