"""Flask-SQLAlchemy 3.1 on minflask, as its quickstart uses it: models,
``create_all``, ``Model.query``, ``db.session.get`` and the session removed
when the app context ends.

No ``from __future__ import annotations`` here: SQLAlchemy resolves the
``Mapped[...]`` annotations of models declared inside a fixture only when
they are evaluated eagerly.
"""

import typing as t
from pathlib import Path

import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from tests.ext_support import flask_alias as flask_alias


@pytest.fixture
def shop(flask_alias: None, tmp_path: Path) -> t.Any:
    """A small app: users and their orders in an SQLite file."""
    from flask_sqlalchemy import SQLAlchemy

    from minflask import Flask, abort, jsonify, request, url_for

    class Base(DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=Base)

    class User(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(40), unique=True)
        orders: Mapped[list["Order"]] = relationship(back_populates="user")

    class Order(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        item: Mapped[str]
        user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
        user: Mapped[User] = relationship(back_populates="orders")

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'shop.db'}"
    db.init_app(app)
    with app.app_context():
        db.create_all()

    @app.post("/users")
    def create_user() -> t.Any:
        user = User(username=request.form["username"])
        db.session.add(user)
        db.session.commit()
        return jsonify(id=user.id), 201, {"Location": url_for("show_user", id=user.id)}

    @app.get("/users/<int:id>")
    def show_user(id: int) -> t.Any:
        user = db.get_or_404(User, id)
        return {"username": user.username, "orders": [o.item for o in user.orders]}

    @app.post("/users/<username>/orders")
    def add_order(username: str) -> t.Any:
        user = User.query.filter_by(username=username).first()
        if user is None:
            abort(404)
        db.session.add(Order(item=request.form["item"], user=user))
        db.session.commit()
        return "", 204

    @app.get("/users")
    def list_users() -> t.Any:
        users = db.session.execute(db.select(User).order_by(User.username)).scalars()
        return [u.username for u in users]

    app.extensions["test_models"] = (User, Order)
    return app, db


def test_models_views_and_queries(shop: t.Any) -> None:
    app, db = shop
    User, Order = app.extensions["test_models"]
    client = app.test_client()

    created = client.post("/users", data={"username": "zoe"})
    assert created.status_code == 201
    assert created.headers["Location"] == "/users/1"
    assert client.post("/users", data={"username": "adam"}).json == {"id": 2}
    assert client.post("/users/zoe/orders", data={"item": "tea"}).status_code == 204
    assert client.post("/users/nobody/orders", data={"item": "x"}).status_code == 404

    assert client.get("/users").json == ["adam", "zoe"]
    assert client.get("/users/1").json == {"username": "zoe", "orders": ["tea"]}
    assert client.get("/users/99").status_code == 404

    with app.app_context():
        assert db.session.get(User, 2).username == "adam"
        assert db.session.get(User, 99) is None
        assert User.query.count() == 2
        assert [o.user.username for o in Order.query.all()] == ["zoe"]
        page = User.query.order_by(User.username).paginate(page=1, per_page=1)
        assert (page.total, [u.username for u in page.items]) == (2, ["adam"])


def test_session_is_removed_when_the_app_context_ends(shop: t.Any) -> None:
    """Work left uncommitted by a request is discarded at teardown, and the
    next request gets a fresh session."""
    app, db = shop
    User, _ = app.extensions["test_models"]
    seen: list[t.Any] = []

    @app.post("/draft")
    def draft() -> str:
        db.session.add(User(username="draft"))
        seen.append(db.session())
        return "pending"

    client = app.test_client()
    assert client.post("/draft").data == b"pending"
    assert client.post("/draft").data == b"pending"
    first, second = seen
    assert first is not second
    # remove() closed it: the pending object is gone and no transaction is open.
    assert list(first.new) == [] and not first.in_transaction()
    with app.app_context():
        assert User.query.filter_by(username="draft").count() == 0
        inside = db.session()
        assert db.session() is inside
    with app.app_context():
        assert db.session() is not inside


def test_engine_and_teardown_in_an_app_factory(
    flask_alias: None, tmp_path: Path
) -> None:
    """The extension-first, factory-second pattern of its docs."""
    from flask_sqlalchemy import SQLAlchemy

    from minflask import Flask, current_app

    db = SQLAlchemy()

    def create_app(name: str) -> Flask:
        app = Flask(name)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / name}.db"
        db.init_app(app)
        return app

    one, two = create_app("one"), create_app("two")
    for app in (one, two):
        with app.app_context():
            assert current_app.extensions["sqlalchemy"] is db
            assert db.engine.url.database == str(tmp_path / f"{app.name}.db")
    with pytest.raises(RuntimeError, match="application context"):
        db.engine  # noqa: B018
