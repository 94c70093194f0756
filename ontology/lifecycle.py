"""How an agreement can end, in one place: the loaders write an ``ended.how`` as the event
kind of its ``dg:AgreementEnding``, the graph queries read the event kinds that end an
agreement (also from a plain event concerning it) back as an ``ended.how``."""

from __future__ import annotations

from typing import Literal

EndingHow = Literal["terminated", "suspended", "withdrawn", "expired"]
"""How an agreement ended (or was suspended): the values of a fact sheet's ``ended.how``."""

ENDING_EVENT_KINDS: dict[EndingHow, str] = {
    "terminated": "termination",
    "suspended": "suspension",
    "withdrawn": "withdrawal",
    "expired": "expiry",
}
"""The notation in the event-kind scheme of each ``ended.how``."""

HOW_OF_EVENT_KIND: dict[str, EndingHow] = {kind: how for how, kind in ENDING_EVENT_KINDS.items()}
"""The ``ended.how`` an event kind stands for, for the event kinds that end an agreement."""
