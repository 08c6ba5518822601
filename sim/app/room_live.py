"""The room's pages' own state (claims C1, C2, C5, C10, C11 are what the pages show): the
language of a browser tab and the room's version it shows. A component that shows the room reads
`seen.value`, so it redraws when the room changed (Solara skips a child whose arguments did not
change, so passing the version down is not enough)."""

from __future__ import annotations

import asyncio

import solara

from sim.app import room

lang = solara.reactive("en")
seen = solara.reactive(-1)  # the room's version this page shows (per browser tab)


def use_version() -> int:
    """The room's version, polled twice a second in the page's event loop."""

    async def watch():
        while True:
            if room.ROOM.version != seen.value:
                seen.value = room.ROOM.version
            await asyncio.sleep(0.5)

    solara.lab.use_task(watch, dependencies=[], prefer_threaded=False)
    return seen.value
