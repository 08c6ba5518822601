"""The catalogue of the essays' claims: every claim a scenario may cite, with what it states.

One entry per claim, C1-C17 (docs/claims.md tells each in full and how a run judges it): its ID
and a one-sentence statement in every language of sim/languages.py. A scenario's `claims` are
checked against this catalogue (sim/scenario.py), so the valid IDs are its keys; the claims a
run measures itself, with a threshold and a judge, are the registry of
sim/experiments/claims.py, whose every entry names a claim of this catalogue. It sits below
configuration and experiments alike and imports nothing of the simulator but its languages.

Adding a claim is adding one `ClaimEntry` to `CATALOGUE` (or `register(ClaimEntry(...))`), plus
its entry in docs/claims.md. Claims: C1-C17.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.languages import LANGUAGES

ID = re.compile(r"^C[1-9][0-9]{0,2}$")  # C1, C2, ..., C999


@dataclass(frozen=True)
class ClaimEntry:
    """A claim of the essays: its ID and what it states, per language."""

    id: str
    statement: dict[str, str]

    def __post_init__(self) -> None:
        if not ID.match(self.id):
            raise ValueError(f"claim ID '{self.id}': C and a number (C1, C2, ...)")
        missing = [lang for lang in LANGUAGES if not self.statement.get(lang)]
        if missing:
            raise ValueError(f"claim {self.id}: no statement in {', '.join(missing)}")


CATALOGUE: dict[str, ClaimEntry] = {
    c.id: c
    for c in (
        ClaimEntry(
            "C1",
            {
                "en": "One laptop against fifty: building relationships sells about fifty in five "
                "years where pitching sells one.",
                "nl": "Eén laptop tegenover vijftig: wie relaties bouwt, verkoopt er in vijf jaar "
                "zo'n vijftig, wie pitcht er één.",
            },
        ),
        ClaimEntry(
            "C2",
            {
                "en": "Most of the return is indirect: more than 90 % of the business comes from "
                "the second and third degree.",
                "nl": "Het meeste komt via via: meer dan 90 % van de zaken komt uit de tweede en "
                "derde graad.",
            },
        ),
        ClaimEntry(
            "C3",
            {
                "en": "A name sticks after five or six conversations.",
                "nl": "Een naam blijft hangen na vijf of zes gesprekken.",
            },
        ),
        ClaimEntry(
            "C4",
            {
                "en": "Trust needs more than recognition: referring someone takes more meetings "
                "than remembering them.",
                "nl": "Vertrouwen vraagt meer dan herkenning: iemand doorverwijzen vraagt meer "
                "ontmoetingen dan iemand onthouden.",
            },
        ),
        ClaimEntry(
            "C5",
            {
                "en": "Contacts cool down: they must be kept warm, and someone met once is never "
                "top of mind.",
                "nl": "Contacten koelen af: ze moeten warm gehouden worden, en wie u één keer "
                "ontmoette, denkt nooit als eerste aan u.",
            },
        ),
        ClaimEntry(
            "C6",
            {
                "en": "Networking builds a network and a reputation for credibility at the same "
                "time.",
                "nl": "Netwerken bouwt tegelijk een netwerk en een reputatie van geloofwaardigheid "
                "op.",
            },
        ),
        ClaimEntry(
            "C7",
            {
                "en": 'A specific ask gets referrals; "everyone is a potential customer" is '
                "worthless.",
                "nl": 'Een precieze vraag levert doorverwijzingen op; "iedereen is een mogelijke '
                'klant" levert niets op.',
            },
        ),
        ClaimEntry(
            "C8",
            {
                "en": "Listen before you talk: someone eager to tell their own story cannot refer "
                "the other.",
                "nl": "Eerst luisteren, dan praten: wie vooral zijn eigen verhaal wil vertellen, "
                "kan de ander niet doorverwijzen.",
            },
        ),
        ClaimEntry(
            "C9",
            {
                "en": "Give first: ask what you can do for the other; receiving follows.",
                "nl": "Eerst geven: vraag wat u voor de ander kunt doen; het ontvangen volgt.",
            },
        ),
        ClaimEntry(
            "C10",
            {
                "en": "Pushy follow-up repels: people start to avoid someone who calls to sell.",
                "nl": "Opdringerig opvolgen stoot af: mensen gaan wie belt om te verkopen uit de "
                "weg.",
            },
        ),
        ClaimEntry(
            "C11",
            {
                "en": "Durable goods block repeat sales: a sale closes that buyer for the "
                "product's lifetime.",
                "nl": "Wat lang meegaat, koopt niemand snel opnieuw: een verkoop sluit die koper "
                "uit zolang het product meegaat.",
            },
        ),
        ClaimEntry(
            "C12",
            {
                "en": "Referral clubs: a club's value shows in the referrals members pass, not in "
                "the business done with members.",
                "nl": "Doorverwijsclubs: de waarde van een club zit in de doorverwijzingen die "
                "leden elkaar geven, niet in wat ze aan elkaar verkopen.",
            },
        ),
        ClaimEntry(
            "C13",
            {
                "en": "Touring open events does not pay: one sees each location about once a year.",
                "nl": "Rondtrekken langs open bijeenkomsten loont niet: u ziet elke plek ongeveer "
                "één keer per jaar.",
            },
        ),
        ClaimEntry(
            "C14",
            {
                "en": "Familiar tables, not rotation: the value appears only once people know each "
                "other very well.",
                "nl": "Vaste tafels, geen wisselende plaatsen: de waarde komt pas als mensen "
                "elkaar heel goed kennen.",
            },
        ),
        ClaimEntry(
            "C15",
            {
                "en": "Small closed circles: real networking happens in small groups that meet "
                "with the same people.",
                "nl": "Kleine gesloten kringen: het echte netwerken gebeurt in kleine groepen die "
                "steeds dezelfde mensen samenbrengen.",
            },
        ),
        ClaimEntry(
            "C16",
            {
                "en": "Three ways together: events, online posts and a small circle combined keep "
                "the network warmest.",
                "nl": "Drie manieren samen: bijeenkomsten, online berichten en een kleine kring "
                "samen houden het netwerk het warmst.",
            },
        ),
        ClaimEntry(
            "C17",
            {
                "en": "Small talk counts: shared interests and news build the relationship too.",
                "nl": "Koetjes en kalfjes tellen mee: gedeelde interesses en nieuws bouwen ook de "
                "relatie op.",
            },
        ),
    )
}


def register(entry: ClaimEntry) -> ClaimEntry:
    """Add a claim to the catalogue (its ID once)."""
    if entry.id in CATALOGUE and CATALOGUE[entry.id] != entry:
        raise ValueError(f"claim {entry.id} is in the catalogue already")
    CATALOGUE[entry.id] = entry
    return entry


def known_claim(value: str) -> str:
    """A scenario's claim ID, if the catalogue holds it (pydantic's AfterValidator)."""
    if value not in CATALOGUE:
        raise ValueError(f"unknown claim '{value}'; allowed: {ids_text()}")
    return value


def ids_text() -> str:
    """The catalogue's IDs in words: "C1-C17" when they run without a gap, else each one."""
    numbers = sorted(int(c[1:]) for c in CATALOGUE)
    if numbers and numbers == list(range(1, len(numbers) + 1)):
        return f"C1-C{numbers[-1]}"
    return ", ".join(f"C{n}" for n in numbers)
