"""A message on a page (information, success, a problem) as plain text in a coloured box.

solara.Info / Success / Error do not render with the ipyvuetify this Solara pins (its Alert
refuses `text=True`), so the app and the room use this one; the text is shown as text, never as
HTML (a participant's name stays inert).
"""

from __future__ import annotations

import solara

STYLE = """
.netsim-note{padding:8px 12px;border-radius:6px;margin:4px 0;font-size:1.05rem;display:block}
.netsim-info{background:#e3f0ff;color:#0b3d91}.netsim-success{background:#e4f5e4;color:#1b5e20}
.netsim-error{background:#fde8e8;color:#a4161a}
"""


@solara.component
def Note(text: str, kind: str = "info"):
    """kind: info, success or error."""
    solara.Style(STYLE)
    solara.Text(text, classes=["netsim-note", f"netsim-{kind}"])
