"""Users and their API tokens. Local mode: the operating-system user. Team mode: per-user tokens, stored
only as SHA-256 hashes (a stolen database does not give working tokens)."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..store.models import User
from . import values
from .context import Actor, Change, bad_input


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.name, user.is_admin)


def ensure_user(store, name: str, admin: bool = False) -> Actor:
    """The user `name`, created on first sight (the server's owner, or the OS user in local mode)."""
    with store.write() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, is_admin=admin)
            session.add(user)
            session.flush()
            Change(session, actor_of(user)).audit("user.create", "user", user.id, None,
                                                  {"name": name, "is_admin": admin})
        elif admin and not user.is_admin:
            user.is_admin = True
            Change(session, actor_of(user)).audit("user.admin", "user", user.id, {"is_admin": False},
                                                  {"is_admin": True})
        return actor_of(user)


def by_token(store, token: str) -> Actor | None:
    with store.read() as session:
        user = session.scalar(select(User).where(User.token_hash == token_hash(token)))
        return actor_of(user) if user else None


def create_user(ch: Change, data: dict) -> dict:
    """Team mode: a new user and a token shown once."""
    if not ch.actor.is_admin:
        from ..controls.workflow import Refusal
        raise Refusal("forbidden", "only an administrator can add users", 403)
    name = values.text(data, "name", required=True, max_len=120)
    if ch.session.scalar(select(User).where(User.name == name)):
        raise bad_input(f"field 'name': user {name!r} already exists")
    token = secrets.token_urlsafe(32)
    user = User(name=name, token_hash=token_hash(token), is_admin=bool(data.get("is_admin", False)))
    ch.session.add(user)
    ch.session.flush()
    ch.audit("user.create", "user", user.id, None, {"name": name, "is_admin": user.is_admin})
    return {"id": user.id, "name": name, "is_admin": user.is_admin, "token": token}


def list_users(session) -> list[dict]:
    return [{"id": u.id, "name": u.name, "is_admin": u.is_admin}
            for u in session.scalars(select(User).order_by(User.id))]


def user_named(session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        from .context import not_found
        raise not_found(f"user {name!r}")
    return user


def add_user(ch: Change, name: str, admin: bool = False) -> dict:
    """A new person and their first token (shown once): `tieout users add`, by whoever owns the store."""
    return create_user(ch, {"name": name, "is_admin": admin})


def issue_token(ch: Change, name: str) -> str:
    """A new token for `name`, replacing the old one (which stops working at once); shown once, kept hashed."""
    user = user_named(ch.session, name)
    token = secrets.token_urlsafe(32)
    user.token_hash = token_hash(token)
    ch.session.flush()
    ch.audit("user.token", "user", user.id, None, {"name": name})
    return token
