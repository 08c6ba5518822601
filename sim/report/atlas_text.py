"""The claims atlas's text in English and Dutch (merged into sim/report/i18n.py's TEXT).

The `atlas_post_*` strings are the atlas of a posterior exploration (`explore --posterior`):
how probable each claim (C1, C2, C10, C12) is given the published figures, and which of the
mechanisms decide it; `python -m sim claims` and the workshop deck quote the same sentence.
`EVIDENCE` says whose figures, by the scenario the inference fitted.
"""

from __future__ import annotations

ATLAS: dict[str, dict[str, str]] = {
    "en": {
        "atlas_title": "Claims atlas",
        "atlas_intro": (
            "{design} design: {points} points of the parameter space, each run {reps} times "
            "with the same seeds; {params} parameters vary over the ranges below, all others "
            "stay at the scenario's base. At each point a claim is judged as in the run report, "
            "on its runs: its direction (the 95 % interval of the difference) and, where the "
            "essay names a figure, its size; it holds at a point where both hold."
        ),
        "atlas_design_morris": "Morris (elementary effects)",
        "atlas_design_sobol": "Sobol' (variance decomposition)",
        "atlas_design_lhs": "Latin hypercube (RBD-FAST)",
        "atlas_ranges": "Parameters and ranges",
        "atlas_parameter": "parameter",
        "atlas_low": "low",
        "atlas_high": "high",
        "atlas_summary": "Where each claim holds",
        "atlas_claim": "claim",
        "atlas_threshold": "holds when",
        "atlas_share": "share of points where it holds (95 % CI)",
        "atlas_box": "PRIM box: where it holds",
        "atlas_coverage": "coverage",
        "atlas_density": "density",
        "atlas_nowhere": "nowhere in the explored space",
        "atlas_everywhere": "everywhere in the explored space",
        "atlas_no_restriction": "no parameter restricted",
        "atlas_summary_caption": (
            "Share: the share of the design's points where the claim holds, with a Wilson 95 % "
            "interval. The box is found by PRIM (patient rule induction): the densest box that "
            "still holds 80 % of the points where the claim holds. Coverage: the share of those "
            "points inside the box; density: the share of the box's points where it holds."
        ),
        "atlas_drivers": "What drives it: {metric}",
        "atlas_where": "Where it holds",
        "atlas_held": "holds",
        "atlas_cell": "{n} points, holds at {share} %",
        "atlas_box_trace": "PRIM box",
        "atlas_claim_caption": (
            "Left: how strongly each parameter moves the claim's measure ({index}; bars: 95 % "
            "intervals from SALib's bootstrap). Right: the design's points over the two "
            "parameters that move it most; a marker stands for the points at those two values "
            "(larger: more points) and its colour for the share of them where the claim holds "
            "(green: all, orange: none); the dashed rectangle is PRIM's box on these two "
            "parameters."
        ),
        "atlas_no_measure": "This claim's measure is undefined at some points; no indices.",
        "atlas_metrics": "What drives each metric",
        "atlas_metric": "metric",
        "atlas_first": "strongest",
        "atlas_second": "second",
        "atlas_third": "third",
        "atlas_metrics_caption": (
            "The three parameters that move each metric most ({index}), with their index."
        ),
        "atlas_design_posterior": "Draws from the evidence",
        "atlas_post_intro": (
            "{points} draws from what the published figures say about {params} mechanisms no "
            "source pins down, each run {reps} times with luck of its own; everything else stays "
            "as the scenario has it. At each draw a claim is judged as in the run report; the "
            "share of draws where it holds is the probability that it holds given the evidence."
        ),
        "atlas_post_summary": "How probable each claim is, given the evidence",
        "atlas_post_probability": "probability that it holds (95 % interval)",
        "atlas_post_decides": "what decides it",
        "atlas_post_said": "in words",
        "atlas_post_sentence": "{given}, this holds with a probability of about {p} (between "
        "{lo} and {hi}).",
        "atlas_post_none": "{given}, this held in none of the {n} draws: its probability is at "
        "most about {hi}.",
        "atlas_post_all": "{given}, this held in all {n} draws: its probability is at least "
        "about {lo}.",
        "atlas_post_direction": "Its direction alone holds with a probability of about {p}: "
        "what is uncertain is its size.",
        "atlas_post_direction_all": "Its direction held in every draw: what is uncertain is its "
        "size.",
        "atlas_post_direction_never": "Its direction alone holds with a probability of about "
        "{p}; its size never did.",
        "atlas_post_direction_all_never": "Its direction held in every draw; its size never did.",
        "atlas_post_depends": "Whether it holds depends most on {names}.",
        "atlas_post_no_single": "None of these mechanisms clearly decides it.",
        "atlas_post_nothing": "-",
        "atlas_post_and": " and ",
        "atlas_post_summary_caption": (
            "The probability is the share of the draws where the claim holds, with a Wilson "
            "95 % interval; draws are taken in proportion to how well each set of mechanisms "
            "matches the published figures. What decides it: the mechanisms that mark off the "
            "draws where it holds from those where it does not."
        ),
        "atlas_post_where_caption": (
            "Each draw over the two mechanisms that decide the claim most; a marker's colour is "
            "the share of the draws at those values where the claim holds (green: all, orange: "
            "none); the dashed rectangle marks off where it holds."
        ),
        "atlas_post_where_caption_none": (
            "Each draw over two of the mechanisms (none of them clearly decides the claim); a "
            "marker's colour is the share of the draws at those values where the claim holds "
            "(green: all, orange: none); the dashed rectangle is where the search for such a "
            "region ended, which these draws do not single out beyond chance."
        ),
        "atlas_post_ranges": "What the evidence allows",
        "atlas_post_mechanism": "mechanism",
        "atlas_post_low": "lowest drawn",
        "atlas_post_high": "highest drawn",
        "atlas_none": "No claim is measured by this scenario's metrics.",
    },
    "nl": {
        "atlas_title": "Atlas van de stellingen",
        "atlas_intro": (
            "{design}: {points} punten van de parameterruimte, elk {reps} keer gedraaid met "
            "dezelfde seeds; {params} parameters variëren over de bereiken hieronder, alle "
            "andere blijven op de basis van het scenario. Op elk punt wordt een stelling "
            "beoordeeld zoals in het rapport, op haar runs: haar richting (het 95 %-interval van "
            "het verschil) en, waar het essay een getal noemt, haar grootte; ze gaat op in een "
            "punt waar beide kloppen."
        ),
        "atlas_design_morris": "Morris-ontwerp (elementaire effecten)",
        "atlas_design_sobol": "Sobol'-ontwerp (variantiedecompositie)",
        "atlas_design_lhs": "Latin hypercube (RBD-FAST)",
        "atlas_ranges": "Parameters en bereiken",
        "atlas_parameter": "parameter",
        "atlas_low": "laag",
        "atlas_high": "hoog",
        "atlas_summary": "Waar elke stelling opgaat",
        "atlas_claim": "stelling",
        "atlas_threshold": "gaat op als",
        "atlas_share": "aandeel punten waar ze opgaat (95 %-interval)",
        "atlas_box": "PRIM-doos: waar ze opgaat",
        "atlas_coverage": "dekking",
        "atlas_density": "dichtheid",
        "atlas_nowhere": "nergens in de verkende ruimte",
        "atlas_everywhere": "overal in de verkende ruimte",
        "atlas_no_restriction": "geen parameter begrensd",
        "atlas_summary_caption": (
            "Aandeel: het deel van de punten van het ontwerp waar de stelling opgaat, met een "
            "Wilson-95 %-interval. De doos komt uit PRIM (patient rule induction): de dichtste "
            "doos die nog 80 % van de punten bevat waar de stelling opgaat. Dekking: het deel "
            "van die punten in de doos; dichtheid: het deel van de punten in de doos waar ze "
            "opgaat."
        ),
        "atlas_drivers": "Wat haar drijft: {metric}",
        "atlas_where": "Waar ze opgaat",
        "atlas_held": "gaat op",
        "atlas_cell": "{n} punten, gaat op bij {share} %",
        "atlas_box_trace": "PRIM-doos",
        "atlas_claim_caption": (
            "Links: hoe sterk elke parameter de maat van de stelling beweegt ({index}; "
            "streepjes: 95 %-intervallen uit de bootstrap van SALib). Rechts: de punten van het "
            "ontwerp over de twee parameters die haar het sterkst bewegen; een stip staat voor "
            "de punten met die twee waarden (groter: meer punten) en haar kleur voor het deel "
            "waar de stelling opgaat (groen: alle, oranje: geen); de gestippelde rechthoek is "
            "de PRIM-doos op deze twee parameters."
        ),
        "atlas_no_measure": "De maat van deze stelling is op sommige punten niet bepaald.",
        "atlas_metrics": "Wat elke maat drijft",
        "atlas_metric": "maat",
        "atlas_first": "sterkst",
        "atlas_second": "tweede",
        "atlas_third": "derde",
        "atlas_metrics_caption": (
            "De drie parameters die elke maat het sterkst bewegen ({index}), met hun index."
        ),
        "atlas_design_posterior": "Trekkingen uit de schatting",
        "atlas_post_intro": (
            "{points} trekkingen uit wat de gepubliceerde cijfers zeggen over {params} "
            "mechanismen die geen bron vastlegt, elk {reps} keer gedraaid, telkens met ander "
            "toeval; "
            "al het andere blijft zoals het scenario het heeft. Bij elke trekking wordt een "
            "stelling beoordeeld zoals in het rapport; het deel van de trekkingen waarin ze "
            "klopt, is de kans dat ze klopt volgens die cijfers."
        ),
        "atlas_post_summary": (
            "Hoe waarschijnlijk elke stelling is volgens de gepubliceerde cijfers"
        ),
        "atlas_post_probability": "kans dat ze klopt (95 %-interval)",
        "atlas_post_decides": "wat de doorslag geeft",
        "atlas_post_said": "in woorden",
        "atlas_post_sentence": "{given}, is de kans dat dit klopt ongeveer {p} (tussen {lo} en "
        "{hi}).",
        "atlas_post_none": "{given}, klopte dit in geen van de {n} trekkingen: de kans is hooguit "
        "zo'n {hi}.",
        "atlas_post_all": "{given}, klopte dit in alle {n} trekkingen: de kans is minstens zo'n "
        "{lo}.",
        "atlas_post_direction": "Alleen de richting klopt met een kans van ongeveer {p}: wat "
        "onzeker is, is de omvang.",
        "atlas_post_direction_all": "De richting klopte in elke trekking: wat onzeker is, is de "
        "omvang.",
        "atlas_post_direction_never": "Alleen de richting klopt met een kans van ongeveer {p}; de "
        "omvang klopte nooit.",
        "atlas_post_direction_all_never": "De richting klopte in elke trekking; de omvang nooit.",
        "atlas_post_depends": "Of het klopt, hangt vooral af van {names}.",
        "atlas_post_no_single": "Geen van deze mechanismen geeft duidelijk de doorslag.",
        "atlas_post_nothing": "-",
        "atlas_post_and": " en ",
        "atlas_post_summary_caption": (
            "De kans is het deel van de trekkingen waarin de stelling klopt, met een "
            "Wilson-95 %-interval; hoe beter een combinatie van mechanismen bij de gepubliceerde "
            "cijfers past, hoe vaker ze getrokken wordt. Wat de doorslag geeft: de mechanismen "
            "die de trekkingen waarin ze klopt, scheiden van die waarin ze niet klopt."
        ),
        "atlas_post_where_caption": (
            "Elke trekking over de twee mechanismen die het meest de doorslag geven; de kleur "
            "van een stip is het deel van de trekkingen met die waarden waarin de stelling "
            "klopt (groen: alle, oranje: geen); de gestippelde rechthoek omlijnt waar ze klopt."
        ),
        "atlas_post_where_caption_none": (
            "Elke trekking over twee van de mechanismen (geen ervan geeft duidelijk de "
            "doorslag); de kleur van een stip is het deel van de trekkingen met die waarden "
            "waarin de stelling klopt (groen: alle, oranje: geen); de gestippelde rechthoek is "
            "waar de zoektocht naar zo'n gebied eindigde, en die springt er in deze trekkingen "
            "niet uit."
        ),
        "atlas_post_ranges": "Wat de cijfers openlaten",
        "atlas_post_mechanism": "mechanisme",
        "atlas_post_low": "laagste getrokken",
        "atlas_post_high": "hoogste getrokken",
        "atlas_none": "Geen stelling wordt door de maten van dit scenario gemeten.",
    },
}

# Whose figures the posterior rests on, by the scenario the inference fitted ("bni": BNI's
# published referrals, meeting rhythm and chapter size); `None` for any other.
EVIDENCE: dict[str | None, dict[str, str]] = {
    "bni": {
        "en": "Given BNI's published figures",
        "nl": "Uitgaande van de cijfers die BNI publiceert",
    },
    None: {"en": "Given the published figures", "nl": "Uitgaande van de gepubliceerde cijfers"},
}
