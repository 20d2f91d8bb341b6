"""Extensions are created unbound here and bound to the app in create_app()."""

from typing import TYPE_CHECKING

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from .transactions import Session

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay readable after a commit without a reload, so a handler can announce what it just
# committed without another query.
# The session runs what was queued for after its commit (facilitator/transactions.py).
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False, "class_": Session},
)

# The base class of every model. mypy cannot take `db.Model`, made at run time, as a base class;
# it sees what `db.Model` is: Flask-SQLAlchemy's Model on a SQLAlchemy declarative base.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskSQLAlchemyModel
    from sqlalchemy.orm import DeclarativeBase

    class Model(_FlaskSQLAlchemyModel, DeclarativeBase):
        pass

else:
    Model = db.Model

migrate = Migrate()
compress = Compress()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
socketio = SocketIO()
