"""Filing a request by chat (/talep), and staff registering one from another channel (/kayit).

The steps and their rules are in core.intake; this package only reads the update, calls
it, and shows the next screen, editing the flow's message in place when the citizen
pressed a button: commands start and stop the flow, buttons answer its buttons (typed
actions, flows/filing/actions.py), steps take typed input, receipts file the draft,
screens show the next step (built channel-neutrally by flows/filing/screens.py).
"""

from __future__ import annotations

from common.i18n import N_
from core import intake, request_privacy
from flows.filing import actions as flow
from handlers.feature import Command, Feature, MenuButton, Steps
from handlers.filing.buttons import buttons as router
from handlers.filing.commands import cancel_command, record_command, talep_command
from handlers.filing.steps import offer_filing, on_message

FEATURE = Feature(
    name="requests",
    commands=(
        Command(("talep", "sikayet"), talep_command, N_("File a request or complaint"), place=20),
        Command(("kayit",), record_command),
        Command(("iptal", "cancel"), cancel_command, N_("Stop what I am doing"), place=60),
    ),
    handlers=(router.handler(),),
    menu=(MenuButton(flow.FileRequest().pack(), N_("📝 File a request or complaint"), row=10),),
    steps=Steps(on_message, names=intake.FLOW_STEPS),
    on_free_text=offer_filing,
    personal_data=(request_privacy.PERSONAL_DATA,),
)
