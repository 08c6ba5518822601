"""What a participant enters on their phone in the room (make room; claims C1, C2, C5, C10,
C11): the products they may sell, their entry validated into one plain sentence's key per
problem (room_error_*: the page says it in the phone's language, never pydantic's words), and
the entry as a focal group of the room scene's roster. The name stays text: it never becomes a
file name or a parameter.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# What a participant may sell: (lifetime in weeks, price in euro, capacity in units a year) of
# the presets; "other": their own. No source gives these: each is an assumption, written down so
# it can be argued with. Lifetime: how long one lasts before the buyer needs the next (a laptop
# about five years, Intel 2016; a consultancy project or an insurance policy a year; a catered
# event each month). Capacity: what one person can deliver in a working year of about 1,600
# hours (a year's 220 days less time for selling and administration) at an assumed time per
# unit: a laptop 2 hours (advice, set-up), a consultancy project 80 hours, a catered event 8
# hours, an insurance policy 4 hours, a piece of made-to-measure furniture 40 hours, a website
# 50 hours.
PRODUCTS: dict[str, tuple[float, float, int] | None] = {
    "laptop": (260, 1_000, 800),
    "consultancy": (52, 8_000, 20),
    "catering": (4, 400, 200),
    "insurance": (52, 800, 400),
    "furniture": (520, 3_000, 40),
    "website": (156, 4_000, 32),
    "other": None,
}
EVENTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # how often they come to the monthly event
EDITS = itertools.count(1)  # the number of a form's edit (next() is atomic under the GIL)
CHECKED = {  # the fields whose problem has a sentence of its own (room_error_<field>)
    "product", "lifetime_weeks", "price", "capacity", "events", "one_to_ones", "pitches",
    "listening", "giving",
}  # fmt: skip


class Entry(BaseModel):
    """What a participant enters on their phone."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=30)
    product: Literal[tuple(PRODUCTS)] = "laptop"  # type: ignore[valid-type]
    lifetime_weeks: float = Field(260, ge=1, le=1040)
    price: float = Field(1_000, ge=0, le=10_000_000)
    capacity: int = Field(0, ge=0, le=1_000_000)  # "other": units a year they can deliver, 0: any
    events: float = Field(0.5, ge=0, le=1)
    one_to_ones: int = Field(2, ge=0, le=8)
    pitches: bool = False
    listening: float = Field(0.9, ge=0, le=1)
    giving: float = Field(0.0, ge=0, le=1)

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError("a first name, please")
        return name

    def sells(self) -> tuple[float, float, int]:
        """(lifetime in weeks, price, capacity a year): the preset's, or their own for
        "other"."""
        return PRODUCTS[self.product] or (self.lifetime_weeks, self.price, self.capacity)


def check_entry(data: Any) -> tuple[Entry | None, str]:
    """The entry, or None and the key of the sentence saying what to change (room_error_*)."""
    try:
        return Entry.model_validate(data), ""
    except ValidationError as err:
        return None, problem_key(err.errors()[0])


def problem_key(error: dict) -> str:
    """The sentence for pydantic's first error: per field, the name's two ways to go wrong."""
    where = str(error["loc"][0]) if error["loc"] else ""
    if where == "name":
        return "room_error_name_long" if error["type"] == "string_too_long" else "room_error_name"
    return f"room_error_{where}" if where in CHECKED else "room_error_form"


def participant_group(name: str, entry: Entry, strategies: dict[bool, str]) -> dict[str, Any]:
    """A participant as a group of the roster (sim/model/roster.py)."""
    lifetime, _, capacity = entry.sells()
    return {
        "name": name, "strategy": strategies[entry.pitches], "count": 1, "focal": True,
        "sector": "own", "lifetime_weeks": float(lifetime), "one_to_ones": entry.one_to_ones,
        "capacity": capacity, "listening": entry.listening, "giving": entry.giving,
        "attendance": entry.events,
    }  # fmt: skip
