"""Bot API calls one complete complaint takes (issue 7, point 2), from the emulator's call
log: messages sent and edited (what Telegram's ~30 messages/s cap counts), with
answerCallbackQuery and everything else listed apart, for the citizen's private chat and
for the department's staff group separately.

Two phases are counted: filing and handling (staff take it on, answer by replying to the
card, resolve it; the citizen hears of each step). Filing is driven three ways, as in
tests/journeys.py and tests/e2e/test_requests_e2e.py:

- the complete flow: KVKK accepted, the type (the preselected "Şikayet" kept), the topic,
  the text, a location and one photo in the location step, Continue, the phone, Send;
- the same with the type changed to "Talep" on the topic screen (one edit more);
- the short flow of tests/e2e/test_reliability_e2e.py: KVKK, topic, text, and skips.

    .venv/bin/python -m bench.messages_per_complaint [--db sqlite|postgresql] [--n 3]
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from bench.common import (
    JSON,
    BotProcess,
    Person,
    World,
    database,
    emulator,
    file_complaint,
    heading,
    new_citizen,
    parser,
    prepared,
)
from common.config import load_config
from core import staff as staff_core
from db.engine import transaction

TARGET = 8


@dataclass
class Tally:
    by_method: Counter[str] = field(default_factory=Counter)

    @property
    def messages(self) -> int:
        """Sends and edits: what puts or changes a message in a chat."""
        return sum(n for m, n in self.by_method.items() if m.startswith(("send", "edit")))

    @property
    def answers(self) -> int:
        return self.by_method["answercallbackquery"]

    @property
    def other(self) -> int:
        return sum(self.by_method.values()) - self.messages - self.answers

    def line(self) -> str:
        methods = ", ".join(f"{m} {n}" for m, n in sorted(self.by_method.items()))
        return (
            f"{self.messages:3} sends+edits, {self.answers} answerCallbackQuery, "
            f"{self.other} other   [{methods}]"
        )


def tally(
    calls: list[JSON], citizen: int, group: int, staff_queries: set[str]
) -> tuple[Tally, Tally]:
    """(citizen side, staff group side); a callback answer goes to the side that pressed."""
    sides = (Tally(), Tally())
    for call in calls:
        method = call["method"].lower()
        if method in ("getupdates", "getme"):
            continue
        params = call["params"]
        if method == "answercallbackquery":
            side = 1 if params.get("callback_query_id") in staff_queries else 0
        else:
            chat = int(params.get("chat_id", 0) or 0)
            side = 1 if chat == group else 0 if chat == citizen else -1
        if side >= 0:
            sides[side].by_method[method] += 1
        else:
            print(f"   (call to another chat: {method} {params.get('chat_id')})")
    return sides


FLOWS = {
    "complete": "complete flow",
    "retyped": "complete flow, type changed",
    "short": "short flow",
}


def settle(world: World) -> None:
    world.emu.wait_idle(timeout=30, quiet=0.5)


def handle(world: World, staff: Person, citizen: Person, number: str) -> set[str]:
    """Take on, answer (a reply to the card), resolve; returns the staff's callback ids."""
    card = staff.wait(number)
    queries = {staff.act("press_button", text="🙋 Üstlen", message_id=card.message_id)["id"]}
    citizen.wait("tarafından işleme alındı")
    staff.act(
        "send_message", text="Ekiplerimiz bugün öğleden sonra toplayacak.", reply_to=card.message_id
    )
    citizen.wait("Ekiplerimiz bugün öğleden sonra toplayacak.")
    staff.wait("Vatandaşa iletildi")
    queries.add(staff.act("press_button", text="✅ Çözüldü", message_id=card.message_id)["id"])
    citizen.wait("numaralı talebiniz çözüldü")
    return queries


def trace(name: str, calls: list[JSON], split: int) -> None:
    print(f"-- calls of the last complaint ({name}); handling starts at call {split + 1}")
    for n, call in enumerate(calls, 1):
        if call["method"].lower() in ("getupdates", "getme"):
            continue
        params = call["params"]
        shown = str(params.get("text") or params.get("caption") or "").replace("\n", " ")[:60]
        print(f"   {n:3} {call['method']:<24} chat {params.get('chat_id', '-')!s:<15} {shown}")


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--n", type=int, default=3, help="complaints per flow (counts must agree)")
    p.add_argument("--trace", action="store_true", help="list the calls of the last complaint")
    args = p.parse_args()
    heading(
        "Bot API calls per complaint",
        db=args.db,
        complaints=args.n,
        target=f"<= {TARGET} sends+edits",
    )
    config = load_config()
    results: dict[str, list[tuple[Tally, Tally]]] = {}
    with database(args.db) as db, emulator() as world:
        prepared(db, config)
        bot = BotProcess(world, "kent", db).start()
        try:
            group = world.groups["temizlik"]
            member = world.emu.post("users", {"first_name": "Mehmet", "last_name": "Kaya"})
            world.emu.post(f"groups/{group}/members", {"user_id": member["id"]})
            with transaction(db.engine) as session:
                staff_core.upsert(
                    session, int(member["id"]), "staff", "temizlik", name="Mehmet Kaya"
                )
            staff = Person(world.emu, member, chat_id=group)
            for i in range(args.n):
                for k, (flow, name) in enumerate(FLOWS.items()):
                    citizen = new_citizen(world.emu, 1000 * i + k)
                    settle(world)
                    start = world.emu.stats()["calls"]
                    number = file_complaint(citizen, full=flow != "short", retype=flow == "retyped")
                    settle(world)
                    middle = world.emu.stats()["calls"]
                    staff_queries = handle(world, staff, citizen, number)
                    settle(world)
                    calls = world.emu.calls(after=start)
                    split = middle - start
                    results.setdefault(f"filing ({name})", []).append(
                        tally(calls[:split], citizen.id, group, set())
                    )
                    results.setdefault(f"handling (after the {name})", []).append(
                        tally(calls[split:], citizen.id, group, staff_queries)
                    )
                    if args.trace and i == args.n - 1:
                        trace(name, calls, split)
                    time.sleep(0.1)
        finally:
            outcome = bot.stop()
    print(f"   handler errors: {outcome.get('errors')}")
    for name, runs in results.items():
        citizen_side, group_side = runs[-1]
        same = all(
            r[0].by_method == citizen_side.by_method and r[1].by_method == group_side.by_method
            for r in runs
        )
        print(f"-- {name}: {len(runs)} runs, {'identical' if same else 'DIFFERENT'} counts")
        print(f"   citizen chat: {citizen_side.line()}")
        print(f"   staff group:  {group_side.line()}")
        total = citizen_side.messages + group_side.messages
        print(
            f"   total sends+edits: {total} (target <= {TARGET}); "
            f"with callback answers: {total + citizen_side.answers + group_side.answers}"
        )
    filing = results["filing (complete flow)"][-1]
    handling = results["handling (after the complete flow)"][-1]
    whole = sum(t.messages for t in (*filing, *handling))
    print(
        f"-- one complete complaint, filed and handled: {whole} sends+edits; at Telegram's "
        f"30 messages/s that is {30 / whole:.1f} complaints/s for the whole bot"
    )


if __name__ == "__main__":
    main()
