"""The languages the simulator speaks: every text, label and display name exists in each.

Below configuration and reports alike: the scenario file's checks (sim/scenario.py,
sim/display.py) and the report's text (sim/report/i18n.py) take the list from here. Claim IDs
are the same in every language. Claims: none (presentation only).
"""

from __future__ import annotations

LANGUAGES = ("en", "nl")
