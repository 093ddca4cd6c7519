"""Fixtures of the page tests: an empty or a populated database, the dashboard under AppTest."""

from __future__ import annotations

import pytest

from core.storage.store import Store
from tests.ui import apptest
from tests.ui.population import populate


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    close = apptest.use_database(monkeypatch, path)
    yield path
    close()


@pytest.fixture
def populated_db(tmp_path, monkeypatch):
    path = tmp_path / "populated.duckdb"
    close = apptest.use_database(monkeypatch, path)
    populate(Store.open(path))
    yield path
    close()
