"""Validated configuration of the event formats: when and how members meet (C5, C12-C16).

The sections `events`, `chapter`, `circuit`, `dinner`, `circle` and `online` of `Params`
(sim/config.py, which re-exports them); `_Section` is the strict base of every section.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.model.formats import FORMATS


class _Section(BaseModel):
    # strict: no silent coercion (true is not 1, "3" is not 3); ints are still accepted as floats
    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class EventsConfig(_Section):
    """The scene's event format, its rhythm and who attends (C5, C12-C15; sim/model/formats.py)."""

    format: str = Field("mixer", description="an event format of sim/model/formats.py")
    interval_weeks: int = Field(4, ge=1, le=520, description="weeks between events")
    count: int = Field(0, ge=0, le=5200, description="events held in all; 0 = no limit")
    attendance: float = Field(0.6, gt=0, le=1, description="chance a member attends an event")
    conversations: int = Field(
        16,
        ge=2,
        le=100,
        description="conversation slots per attendee (odd rounds down); 16 gives ~14 encounters",
    )

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(f"unknown format '{value}'; allowed: {', '.join(FORMATS)}")
        return value


class ChapterConfig(_Section):
    """A referral chapter (BNI-like, C12): closed, one seat per profession, weekly meetings.

    Its members' one-to-ones are their habit (`scene.one_to_ones`, the trait `one_to_ones`), as
    in every format."""

    size: int = Field(30, ge=4, le=100, description="members per chapter (members are split)")
    presentation_gain: float = Field(
        0.05, ge=0, le=1, description="memory gain from hearing a member's short presentation"
    )
    conversations: int = Field(
        2, ge=0, le=20, description="rounds of open networking per meeting (~2 talks each)"
    )
    size_cv: float = Field(
        0.0,
        ge=0,
        le=1,
        description="spread of chapter sizes around chapter.size (coefficient of variation of a "
        "gamma draw; 0: all chapters equal)",
    )
    visits: float = Field(
        0.0,
        ge=0,
        le=1,
        description="chance that an attending member goes to another chapter of the region that "
        "week instead, as a visitor or substitute",
    )


class CircuitConfig(_Section):
    """An open event circuit (Open Coffee, C13): many locations, each with monthly events."""

    locations: int = Field(35, ge=1, le=10_000, description="locations with their own event")
    visits_per_month: int = Field(3, ge=1, le=10, description="events a member plans a month")
    policy: Literal["anchor", "tour", "mixed"] = Field(
        "anchor", description="focal sellers' choice of locations: anchor | tour | mixed"
    )


class DinnerConfig(_Section):
    """A club dinner with tables (M4M-like, C14): a long conversation with one's table."""

    table_size: int = Field(8, ge=2, le=30, description="seats per table")
    seating: Literal["rotate", "free", "fixed"] = Field(
        "rotate", description="rotate | free | fixed (see sim/model/seating.py)"
    )
    season_dinners: int = Field(
        10, ge=1, le=520, description="dinners per season (the rotation program's horizon)"
    )
    depth: float = Field(
        2.0, ge=1, le=10, description="a dinner conversation counts as this many short ones"
    )


class CircleConfig(_Section):
    """Small closed circles (C15): the same few people, deep conversations, every time."""

    size: int = Field(6, ge=2, le=20, description="people per circle")
    depth: float = Field(
        3.0, ge=1, le=10, description="a circle conversation counts as this many short ones"
    )
    join: bool = Field(
        False, description="members also meet in circles besides the scene's format (C16)"
    )
    interval_weeks: int = Field(4, ge=1, le=520, description="weeks between circle meetings")
    offset_weeks: int = Field(2, ge=0, le=519, description="week of the first circle meeting")


class OnlineConfig(_Section):
    """Online posts (C16): a periodic light touch to everyone who knows the poster.

    Who posts is a member trait (`posts`; by default everyone but direct sellers)."""

    enabled: bool = Field(False, description="members post a newsletter, blog or social posts")
    interval_weeks: int = Field(2, ge=1, le=520, description="weeks between posts")
    reach: float = Field(0.3, ge=0, le=1, description="share of contacts who read a post")
    gain: float = Field(0.05, ge=0, le=1, description="memory gain from reading a post")
    trust_gain: float = Field(0.0, ge=0, le=10, description="trust evidence per post read")
