"""The vacancy alerts' actions (`ea:`), typed (flows.actions): the alert settings reached
from "My CV", and the buttons under every alert. None carries a seeker or a vacancy: each
acts on the CV of whoever presses it, looked up on the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.actions import Action

Mode = Literal["instant", "daily", "off"]  # core.employment.alerts.MODES


@dataclass(frozen=True)
class AlertSettings(Action, prefix="ea:s"):
    """🔔 Job alerts: the screen to choose instant, daily or off."""


@dataclass(frozen=True)
class SetAlerts(Action, prefix="ea:p"):
    """A choice on the settings screen (which is shown again, updated)."""

    mode: Mode


@dataclass(frozen=True)
class FromAlert(Action, prefix="ea:a"):
    """A button under an alert or a daily summary: 🔕 Stop alerts, or the other rhythm.
    The alert stays as it was; a new message confirms."""

    mode: Mode
