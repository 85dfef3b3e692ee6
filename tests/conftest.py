"""Shared fixtures: the shipped catalogue and translations, loaded once."""

from __future__ import annotations

import pytest

from dialogs.catalogue import Catalogue
from handlers.catalogue_loader import load_catalogue
from handlers.i18n import Translator


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()
