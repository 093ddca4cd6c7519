"""Who may write: the public read-only mode and the editor a write is recorded for.

- **Public mode** (``CASUALTY_MODE=public``): `public_mode` is true, `core.storage.store.Store.open`
  opens the database read-only and every write (`Store.transaction`) raises `ReadOnlyError`.
- **The editor** of a write: the dashboard runs each page inside `acting_as(editor, required)`
  (``editor`` from the sign-in, ``required`` when sign-in is configured); the storage functions that
  record a person's work (articles added, reviews, merge/split decisions) call `author()`, which
  gives the `Editor` to record with the rows, or ``None`` when anyone may edit (a laptop without
  sign-in, the command line), and raises `SignInRequired` when sign-in is required and nobody is
  signed in. The editor is held per thread (a ``ContextVar``: each browser session's script runs
  in its own thread), so one tab's editor never signs another tab's writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MODE_ENV = "CASUALTY_MODE"
MODES = ("edit", "public")


class AccessError(ValueError):
    """A write this process or this person may not make."""


class ReadOnlyError(AccessError):
    """A write to a database opened read-only (public mode)."""


class SignInRequired(AccessError):
    """A write by nobody while sign-in is required."""


READ_ONLY_MESSAGE = (
    "This is the public read-only view (CASUALTY_MODE=public): the database {path} is opened read-only "
    "and nothing can be added, reviewed, split or merged here. Use the editors' dashboard to change it."
)
SIGN_IN_MESSAGE = "Sign in to add, review, split or merge: this dashboard records who makes each change."


def mode(value: str | None = None) -> str:
    """``public`` or ``edit``: `value`, else ``$CASUALTY_MODE``, else ``edit``. An unknown value
    raises `AccessError` naming it (a typo must not open a public dashboard for writing)."""
    raw = (value if value is not None else os.environ.get(MODE_ENV, "")).strip().lower()
    if not raw:
        return "edit"
    if raw not in MODES:
        raise AccessError(f"{MODE_ENV}={raw!r} is not a mode: use 'public' (read-only) or 'edit' (the default).")
    return raw


def public_mode(value: str | None = None) -> bool:
    """Is this the public read-only view (`mode` is ``public``)?"""
    return mode(value) == "public"


@dataclass(frozen=True)
class Editor:
    """A signed-in person: ``name`` to show, ``account`` the provider's stable identity (the
    e-mail address when the provider gives one, else the subject id, ``sub``)."""

    name: str
    account: str

    @classmethod
    def from_claims(cls, claims: dict[str, object]) -> Editor | None:
        """The editor an OpenID Connect identity describes (``email``, ``sub``, ``name``); None
        without any of ``email`` or ``sub``."""
        account = str(claims.get("email") or claims.get("sub") or "").strip()
        if not account:
            return None
        name = str(claims.get("name") or claims.get("preferred_username") or account).strip()
        return cls(name=name, account=account)


_acting: ContextVar[tuple[Editor | None, bool]] = ContextVar("casualty_editor", default=(None, False))


@contextmanager
def acting_as(editor: Editor | None, required: bool = False) -> Iterator[None]:
    """Record the writes made inside with `editor`; with `required`, refuse them without one."""
    token = _acting.set((editor, required))
    try:
        yield
    finally:
        _acting.reset(token)


def author() -> Editor | None:
    """The editor to record with a write (None: nobody is signed in and sign-in is not required).
    Raises `SignInRequired` when sign-in is required and nobody is signed in."""
    editor, required = _acting.get()
    if editor is None and required:
        raise SignInRequired(SIGN_IN_MESSAGE)
    return editor
