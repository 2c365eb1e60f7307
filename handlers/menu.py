"""The main menu: the running features' buttons (handlers.feature.MenuButton), row by row."""

from __future__ import annotations

from collections.abc import Sequence

from common.i18n import Translator
from flows.screen import Choice, Rows
from handlers.feature import Feature, menu_rows


def menu_choices(t: Translator, features: Sequence[Feature]) -> Rows:
    return tuple(
        tuple(Choice(t._(button.label), button.data) for button in row)
        for row in menu_rows(features)
    )
