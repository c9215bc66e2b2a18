"""Extension objects, created without an app (bound in create_app)."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from exchange.db import Base
from exchange.routing import RoutingSession

# Plain reads inside ``replica_reads()`` go to the read replica when one is set (routing.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
