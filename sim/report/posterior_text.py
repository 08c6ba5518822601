"""The text of an inference's page (sim/report/posterior.py), English and Dutch (C12, C5).

`POSTERIOR` holds the page's sentences; `TARGETS` the three published BNI figures the inference
is fitted to (sim/experiments/calibration.py's FIGURES): their names, how the lead says them,
their axis and how their values read ("number", "percent": a share, "ratio"). Placeholders are
filled in by the page; every value is escaped there.
"""

from __future__ import annotations

POSTERIOR: dict[str, dict[str, str]] = {
    "en": {
        "title": "What BNI's published figures say about the model",
        "lead": "What the figures say",
        "figure_item": "{phrase}: {published}; the model should land {band}",
        "intro": (
            "The model has {n} mechanisms that no source measures. This page shows which of "
            "their values agree with three figures BNI has published, each with the range "
            "around it where the model should land:"
        ),
        "tried": (
            "The inference tried {sims} sets of values, each simulated as a weekly chapter, a "
            "fortnightly one and a small one, in {rounds} rounds; each round kept the values "
            "whose chapters came closer to the three figures. {particles} sets of values "
            "remain, each with a weight."
        ),
        "pinned": "The figures pin down {list}.",
        "narrowed": "They narrow down {list}, but leave a fair range.",
        "prior": (
            "They say little about {list}: after the figures, about every value tried is still "
            "about as plausible as before."
        ),
        "about": "about {x}, between {lo} and {hi}",
        "anywhere": "anywhere between {lo} and {hi}",
        "and": "and",
        "running": "The inference is still running: this page shows the rounds finished so far.",
        "stopped": (
            "The inference was stopped before its last round: the result may still narrow."
        ),
        "marginals": "Each mechanism before and after the figures",
        "marginals_caption": (
            "For each mechanism the filled curve shows how plausible each value is after the "
            "figures; the dashed line shows it before, when every value in the range tried was "
            "as plausible as any other (on a logarithmic axis where the range spans a factor of "
            "ten or more). The grey band holds 90 % of the weight, the line in it the middle. "
            "In small test runs on values known in advance, such bands held the true value about "
            "four times in five, not nine in ten: read them as a little too narrow."
        ),
        "density": "plausibility",
        "after": "after the figures",
        "before": "before",
        "pairs": "Mechanisms that go together",
        "pairs_caption": (
            "Each dot is a set of values of the result, larger for more weight; the rings "
            "enclose where the weight lies thickest. The links are measured on the axes' scale "
            "(logarithmic where the axis is)."
        ),
        "pair": "{a} and {b}: {strength} link (correlation {r}). {how}",
        "pair_up": (
            "Where one is higher the other tends to be higher too: the figures allow more of "
            "one if there is more of the other."
        ),
        "pair_down": (
            "Where one is higher the other tends to be lower: the figures can be met with more "
            "of one and less of the other."
        ),
        "pair_none": "They hardly go together: the figures do not tie one to the other.",
        "strong": "a strong",
        "clear": "a clear",
        "weak": "only a weak",
        "checks": "Does the model with these values give the figures back?",
        "checks_caption": (
            "Chapters simulated with values drawn from the result, against each published "
            "figure: the green band is the range the model should land in, the dashed line its "
            "middle."
        ),
        "check": (
            "Of {n} chapters simulated with values drawn from the result, {k} ({share}) land "
            "within the band ({band})."
        ),
        "undefined": "In {m} of them the figure is undefined (no referrals to compare with).",
        "no_checks": "This folder holds no simulated chapters to check the figures with yet.",
        "chapters": "chapters",
        "middle": "published middle",
        "generations": "Rounds of the inference",
        "generations_caption": (
            "Each round keeps the values whose simulated chapters lie closer to the three "
            "figures than the round's limit. The limit is the distance to the figures counted "
            "in half-widths of their bands (1: about at the edge of the bands). Simulations: "
            "how many sets of values the round tried. The last column: how many equally weighted "
            "sets the round's weighted ones are worth; the fewer, the rougher the intervals."
        ),
        "round": "round",
        "limit": "limit",
        "simulations": "simulations",
        "effective": "worth as many equal ones",
        "total": "in all",
    },
    "nl": {
        "title": "Wat de gepubliceerde cijfers van BNI zeggen over het model",
        "lead": "Wat de cijfers zeggen",
        "figure_item": "{phrase}: {published}; marge voor het model: {band}",
        "intro": (
            "Het model heeft {n} mechanismen die geen enkele bron meet. Deze pagina laat zien "
            "welke waarden ervan passen bij drie cijfers die BNI heeft gepubliceerd, elk met "
            "de marge eromheen waarbinnen het model moet uitkomen:"
        ),
        "tried": (
            "De schatting probeerde {sims} combinaties van waarden, elk gesimuleerd als een "
            "wekelijks chapter, een tweewekelijks en een klein chapter, in {rounds} rondes; "
            "elke ronde hield de waarden over waarvan de chapters dichter bij de drie cijfers "
            "kwamen. Er blijven {particles} combinaties over, elk met een gewicht."
        ),
        "pinned": "De cijfers leggen {list} vast.",
        "narrowed": "Ze perken {list} in, maar laten nog een flinke marge.",
        "prior": (
            "Over {list} zeggen ze weinig: na de cijfers is vrijwel elke geprobeerde waarde nog "
            "ongeveer even aannemelijk als ervoor."
        ),
        "about": "zo'n {x}, tussen {lo} en {hi}",
        "anywhere": "ergens tussen {lo} en {hi}",
        "and": "en",
        "running": "De schatting loopt nog: deze pagina toont de rondes die al klaar zijn.",
        "stopped": (
            "De schatting is gestopt voor de laatste ronde: de uitkomst kan nog smaller worden."
        ),
        "marginals": "Elk mechanisme voor en na de cijfers",
        "marginals_caption": (
            "Per mechanisme laat de gevulde curve zien hoe aannemelijk elke waarde is na de "
            "cijfers; de gestippelde lijn laat het zien ervoor, toen elke waarde in het "
            "geprobeerde bereik even aannemelijk was (op een logaritmische as waar het bereik "
            "een factor tien of meer beslaat). De grijze band bevat 90 % van het gewicht, de "
            "lijn erin het midden. In kleine proefruns met waarden die we vooraf kenden, "
            "bevatten zulke banden de echte waarde ongeveer vier van de vijf keer, niet negen "
            "van de tien: ze zijn dus wat te smal."
        ),
        "density": "aannemelijkheid",
        "after": "na de cijfers",
        "before": "ervoor",
        "pairs": "Mechanismen die samenhangen",
        "pairs_caption": (
            "Elke stip is een combinatie van waarden uit de uitkomst, groter naarmate ze meer "
            "gewicht heeft; de ringen omsluiten waar het gewicht het dichtst ligt. De samenhang "
            "is gemeten op de schaal van de assen (logaritmisch waar de as dat is)."
        ),
        "pair": "{a} en {b}: {strength} samenhang (correlatie {r}). {how}",
        "pair_up": (
            "Waar het een hoger is, is het ander meestal ook hoger: de cijfers laten meer van "
            "het een toe als er ook meer van het ander is."
        ),
        "pair_down": (
            "Waar het een hoger is, is het ander meestal lager: de cijfers zijn te halen met "
            "meer van het een en minder van het ander."
        ),
        "pair_none": "Ze hangen nauwelijks samen: de cijfers binden het een niet aan het ander.",
        "strong": "een sterke",
        "clear": "een duidelijke",
        "weak": "maar een zwakke",
        "checks": "Geeft het model met deze waarden de cijfers terug?",
        "checks_caption": (
            "Chapters gesimuleerd met waarden uit de uitkomst, tegenover elk gepubliceerd "
            "cijfer: de groene band is waar het model moet uitkomen, de gestippelde lijn het "
            "midden ervan."
        ),
        "check": (
            "Van {n} chapters, gesimuleerd met waarden uit de uitkomst, komen er {k} ({share}) "
            "binnen de band uit ({band})."
        ),
        "undefined": "Bij {m} ervan is het cijfer niet te bepalen (geen doorverwijzingen om mee "
        "te vergelijken).",
        "no_checks": "In deze map staan nog geen gesimuleerde chapters om de cijfers mee te "
        "controleren.",
        "chapters": "chapters",
        "middle": "gepubliceerd midden",
        "generations": "De rondes van de schatting",
        "generations_caption": (
            "Elke ronde houdt de waarden over waarvan de gesimuleerde chapters dichter bij de "
            "drie cijfers liggen dan de grens van die ronde. De grens is de afstand tot de "
            "cijfers, geteld in halve breedtes van hun banden (1: ongeveer op de rand van de "
            "banden). Simulaties: hoeveel combinaties van waarden de ronde probeerde. De laatste "
            "kolom: voor hoeveel gelijkwaardige combinaties de gewogen combinaties van de "
            "ronde tellen; "
            "hoe minder, hoe ruwer de intervallen."
        ),
        "round": "ronde",
        "limit": "grens",
        "simulations": "simulaties",
        "effective": "telt als zoveel gelijkwaardige",
        "total": "samen",
    },
}

TARGETS: dict[str, dict[str, str | dict[str, str]]] = {
    "bni_referrals": {
        "kind": "number",
        "name": {"en": "BNI referrals per member per year",
                 "nl": "doorverwijzingen per lid per jaar bij BNI"},
        "phrase": {"en": "how many referrals a BNI member passes in a year",
                   "nl": "hoeveel doorverwijzingen een BNI-lid per jaar geeft"},
        "band": {"en": "between {lo} and {hi} referrals", "nl": "tussen {lo} en {hi} "
                 "doorverwijzingen"},
        "published": {"en": "42 to 52", "nl": "42 tot 52"},
        "axis": {"en": "referrals per member per year", "nl": "doorverwijzingen per lid per jaar"},
    },
    "bni_fortnightly": {
        "kind": "percent",
        "name": {"en": "fortnightly against weekly", "nl": "tweewekelijks tegenover wekelijks"},
        "phrase": {"en": "how many fewer referrals a chapter passes when it meets every two "
                   "weeks instead of every week",
                   "nl": "hoeveel minder doorverwijzingen een chapter geeft als het om de twee "
                   "weken bij elkaar komt in plaats van elke week"},
        "band": {"en": "{lo} to {hi} fewer", "nl": "{lo} tot {hi} minder"},
        "published": {"en": "52 % fewer", "nl": "52 % minder"},
        "axis": {"en": "% fewer referrals than weekly", "nl": "% minder doorverwijzingen dan "
                 "wekelijks"},
    },
    "bni_size": {
        "kind": "ratio",
        "name": {"en": "a chapter of 30 against 15", "nl": "een chapter van 30 tegenover 15"},
        "phrase": {"en": "how many more referrals a chapter of 30 members passes than one of 15",
                   "nl": "hoeveel meer doorverwijzingen een chapter van 30 leden geeft dan een "
                   "van 15"},
        "band": {"en": "{lo} to {hi} times as many", "nl": "{lo} tot {hi} keer zoveel"},
        "published": {"en": "about three times as many", "nl": "ongeveer drie keer zoveel"},
        "axis": {"en": "times as many referrals per chapter", "nl": "keer zoveel "
                 "doorverwijzingen per chapter"},
    },
}  # fmt: skip
