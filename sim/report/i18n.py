"""Report text in English and Dutch, and numbers formatted for the language.

Trainers use the report in front of Dutch and English audiences; every caption says in plain
words what a chart shows. Claim IDs (C1-C17) are the same in both languages.
"""

from __future__ import annotations

import math

from sim.languages import LANGUAGES  # re-exported: the report's languages

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Networking simulation report",
        "scenario": "Scenario",
        "claims_addressed": "Claims addressed",
        "headline": "Units sold over {years} years",
        "headline_caption": (
            "Cumulative units sold per member of each focal group, week by week: the line is the "
            "mean over {reps} simulated histories, the band its 95 % confidence interval. Each "
            "group follows its strategy (see 'Who is in the room'). Other variants can be "
            "switched on in the legend."
        ),
        "headline_c1": (
            "The stars at the end mark the claim (C1): about 1 unit against about 50 in five years."
        ),
        "crossover": (
            "Crossover week (base): the cumulative sales of {better} first exceed those of "
            "{other} in week {week} (95 % CI {low}-{high}; {crossed} of {reps} histories)."
        ),
        "crossover_none": "In the base {better} never overtake {other}.",
        "crossover_label": "crossover",
        "crossover_na": "This scenario names no pair of groups to contrast.",
        "week": "week",
        "units_per_seller": "units per member of the group",
        "claim_mark": "claim C1: {n}",
        "sources": "Where the sales come from",
        "sources_caption": (
            "Units per member of each focal group in {years} years (base) by how far the buyer "
            "is from the seller: degree 1 = someone the seller talked with, 2 = one person in "
            "between, 3 = two in between; coloured by how the sale came about. Indirect share "
            "(degrees 2 and 3): {shares} (claim C2: more than 90 %)."
        ),
        "degree": "degree",
        "units": "units",
        "memory_trust": "How memory and trust grow",
        "memory_trust_caption": (
            "Mean memory and trust between two members right after their n-th conversation "
            "(base; bands: 95 % CI). A member remembers your name and what you do from the "
            "dashed level on (reached at conversation {name_n}; claim C3: 5-6); they would "
            "refer you from the dotted level on (conversation {trust_n}; claim C4: later "
            "than the name)."
        ),
        "conversation_number": "conversation number",
        "memory": "memory",
        "trust": "trust",
        "name_level": "remembers your name",
        "refer_level": "would refer you",
        "network": "The network over time",
        "network_caption": (
            "Members (dots) and who would refer whom (grey lines, darker = more trust) in one "
            "simulated history of the base, coloured by group; large dots are the focal groups' "
            "members; light red lines: someone who now avoids a focal member (claim C10). Move "
            "the slider to see the network at other weeks."
        ),
        "trusted": "would refer",
        "avoids": "avoids",
        "variants": "Variants side by side",
        "variants_caption": (
            "Each variant changes one thing against the base. Mean ± 95 % CI half-width over "
            "the histories. 'Expected' is the direction the scenario file states (from the "
            "essays); after it, what happened: as the claim expects, against it, or too little "
            "to tell from chance (the 95 % interval of the difference with the base)."
        ),
        "variant": "variant",
        "units_per_member": "units per member",
        "referrals_per_member_year": "referrals per member per year",
        "expected": "expected",
        "happened": "happened",
        "clear": "clear",
        "lower": "lower",
        "higher": "higher",
        "same": "same",
        "yes": "yes",
        "no": "no",
        "claims": "Claims",
        "claims_caption": (
            "For each claim this scenario addresses: does its direction hold (who does better, "
            "judged on the 95 % interval of the difference), does its size match the essay's "
            "figure where the essay names one (read with a tolerance for its wording), and what "
            "the model says in numbers."
        ),
        "claim": "claim",
        "direction": "direction",
        "size": "size",
        "model_says": "what the model says",
        "curves": "How much contact it takes",
        "curves_caption": (
            "Units sold per member in {years} years when one habit changes and everything else "
            "stays as in the base (the habit is given to both compared groups): the line is the "
            "mean over {reps} simulated histories, the band its 95 % confidence interval."
        ),
        "curves_marks": "The dashed lines mark the essay's fifty and one (C1).",
        "roster": "Who is in the room",
        "roster_caption": (
            "The groups of the base: their strategy, size (* a share of the members left after "
            "the counted groups), whether their sales are followed (focal) and their traits."
        ),
        "group": "group",
        "strategy": "strategy",
        "members_col": "members",
        "focal": "focal",
        "traits": "traits",
        "about": "About this run",
        "description": "Description",
        "seed": "Master seed",
        "replications": "Replications per variant",
        "wall": "Run time",
        "created": "Created",
        "versions": "Versions",
        "parameters": "Resolved parameters (base)",
        "file_size": "This file: {size}",
        "seconds": "s",
        "channel_pitch": "pitch",
        "channel_referral": "referral",
        "channel_recall": "recall (remembered)",
        "channel_repeat": "repeat purchase",
        "metric_units": "units",
        "metric_share_degree1": "share from degree 1",
        "metric_share_degree2": "share from degree 2",
        "metric_share_degree3": "share from degree 3",
        "metric_indirect_share": "indirect share",
        "metric_referrals_given": "referrals given",
        "metric_referrals_received": "referrals received",
        "metric_trusted_by": "trusted by",
        "metric_avoided_by": "avoided by",
        "metric_ratio": "ratio of the contrast groups",
        "metric_units_per_member": "units per member",
        "metric_referrals_per_member_year": "referrals per member per year",
        "sweep_title": "Sweep",
        "sweep_intro": (
            "Each parameter takes each of its values while all others stay at the scenario's "
            "base; every point runs {reps} simulated histories with the same seeds. Points are "
            "means, bars their 95 % confidence intervals. With variants, each variant is run at "
            "every point and compared with the base at the same point."
        ),
        "sweep_base": "base",
        "sweep_marks": (
            "✓: the variant moved as its scenario expects, clearly (the 95 % CI of the paired "
            "difference excludes zero); (✓): in the expected direction but within noise; ✗: "
            "clearly the other way; (✗): the other way within noise; –: undefined."
        ),
    },
    "nl": {
        "title": "Rapport van de netwerksimulatie",
        "scenario": "Scenario",
        "claims_addressed": "Behandelde stellingen",
        "headline": "Verkochte stuks over {years} jaar",
        "headline_caption": (
            "Cumulatief verkochte stuks per lid van elke gevolgde groep, week na week: de lijn "
            "is het gemiddelde over {reps} gesimuleerde verlopen, de band het 95 %-"
            "betrouwbaarheidsinterval. Elke groep volgt haar strategie (zie 'Wie er in de "
            "zaal zit'). Andere varianten zet u aan in de legende."
        ),
        "headline_c1": (
            "De sterren aan het eind tonen de stelling (C1): ongeveer 1 stuk tegenover "
            "ongeveer 50 in vijf jaar."
        ),
        "crossover": (
            "Kantelweek (basis): de cumulatieve verkoop van {better} haalt die van {other} in "
            "in week {week} (95 %-interval {low}-{high}; in {crossed} van de {reps} verlopen)."
        ),
        "crossover_none": "In de basis haalt {better} {other} nooit in.",
        "crossover_label": "kantelpunt",
        "crossover_na": "Dit scenario noemt geen paar groepen om te vergelijken.",
        "week": "week",
        "units_per_seller": "stuks per lid van de groep",
        "claim_mark": "stelling C1: {n}",
        "sources": "Waar de verkoop vandaan komt",
        "sources_caption": (
            "Stuks per lid van elke gevolgde groep in {years} jaar (basis), naar de afstand "
            "tussen koper en verkoper: graad 1 = iemand met wie de verkoper sprak, 2 = één "
            "persoon ertussen, 3 = twee personen ertussen; de kleur zegt hoe de verkoop tot "
            "stand kwam. Indirect aandeel (graad 2 en 3): {shares} (stelling C2: meer dan 90 %)."
        ),
        "degree": "graad",
        "units": "stuks",
        "memory_trust": "Hoe herinnering en vertrouwen groeien",
        "memory_trust_caption": (
            "Gemiddelde herinnering en vertrouwen tussen twee leden vlak na hun n-de gesprek "
            "(basis; banden: 95 %-interval). Vanaf het gestreepte niveau kent iemand uw naam en "
            "wat u doet (bereikt bij gesprek {name_n}; stelling C3: 5 à 6); vanaf het gestippelde "
            "niveau zou die u doorverwijzen (gesprek {trust_n}; stelling C4: later dan de naam)."
        ),
        "conversation_number": "gespreksnummer",
        "memory": "herinnering",
        "trust": "vertrouwen",
        "name_level": "kent uw naam",
        "refer_level": "zou u aanbevelen",
        "network": "Het netwerk door de tijd",
        "network_caption": (
            "Leden (stippen) en wie wie zou doorverwijzen (grijze lijnen, donkerder = meer "
            "vertrouwen) in één gesimuleerd verloop van de basis, gekleurd per groep; grote "
            "stippen zijn de leden van de gevolgde groepen; lichtrode lijnen: iemand die een "
            "gevolgd lid nu ontloopt (stelling C10). Verschuif de schuifregelaar om het netwerk "
            "in andere weken te zien."
        ),
        "trusted": "zou doorverwijzen",
        "avoids": "ontloopt",
        "variants": "Varianten naast elkaar",
        "variants_caption": (
            "Elke variant verandert één ding ten opzichte van de basis. Gemiddelde ± halve "
            "breedte van het 95 %-interval over de verlopen. 'Verwacht' is de richting die het "
            "scenariobestand noemt (uit de essays); daarna wat er gebeurde: zoals de stelling "
            "verwacht, ertegenin, of te weinig om van toeval te onderscheiden (het 95 %-interval "
            "van het verschil met de basis)."
        ),
        "variant": "variant",
        "units_per_member": "stuks per lid",
        "referrals_per_member_year": "doorverwijzingen per lid per jaar",
        "expected": "verwacht",
        "happened": "uitgekomen",
        "clear": "duidelijk",
        "lower": "lager",
        "higher": "hoger",
        "same": "gelijk",
        "yes": "ja",
        "no": "nee",
        "claims": "Stellingen",
        "claims_caption": (
            "Voor elke stelling die dit scenario behandelt: klopt de richting (wie het beter "
            "doet, beoordeeld op het 95 %-interval van het verschil), klopt de grootte met het "
            "getal uit het essay waar het essay er een noemt (met wat speling voor de manier "
            "waarop het essay het zegt), en wat het model in cijfers zegt."
        ),
        "claim": "stelling",
        "direction": "richting",
        "size": "grootte",
        "model_says": "wat het model zegt",
        "curves": "Hoeveel contact het vraagt",
        "curves_caption": (
            "Verkochte stuks per lid in {years} jaar, telkens als één gewoonte verandert en al "
            "de rest gelijk blijft (beide vergeleken groepen krijgen die gewoonte): de lijn is "
            "het gemiddelde over {reps} gesimuleerde verlopen, de band het "
            "95 %-betrouwbaarheidsinterval."
        ),
        "curves_marks": "De stippellijnen tonen de vijftig en de één uit het essay (C1).",
        "roster": "Wie er in de zaal zit",
        "roster_caption": (
            "De groepen van de basis: hun strategie, grootte (* een aandeel van de leden die na "
            "de getelde groepen overblijven), of hun verkoop gevolgd wordt en hun eigenschappen."
        ),
        "group": "groep",
        "strategy": "strategie",
        "members_col": "leden",
        "focal": "gevolgd",
        "traits": "eigenschappen",
        "about": "Over deze simulatie",
        "description": "Beschrijving",
        "seed": "Toevalsgetal (seed)",
        "replications": "Herhalingen per variant",
        "wall": "Rekentijd",
        "created": "Gemaakt",
        "versions": "Versies",
        "parameters": "Gebruikte parameters (basis)",
        "file_size": "Dit bestand: {size}",
        "seconds": "s",
        "channel_pitch": "pitch",
        "channel_referral": "doorverwijzing",
        "channel_recall": "herinnerd",
        "channel_repeat": "herhaalaankoop",
        "metric_units": "stuks",
        "metric_share_degree1": "aandeel uit graad 1",
        "metric_share_degree2": "aandeel uit graad 2",
        "metric_share_degree3": "aandeel uit graad 3",
        "metric_indirect_share": "indirect aandeel",
        "metric_referrals_given": "gegeven doorverwijzingen",
        "metric_referrals_received": "ontvangen doorverwijzingen",
        "metric_trusted_by": "vertrouwd door",
        "metric_avoided_by": "ontlopen door",
        "metric_ratio": "verhouding van de vergeleken groepen",
        "metric_units_per_member": "stuks per lid",
        "metric_referrals_per_member_year": "doorverwijzingen per lid per jaar",
        "sweep_title": "Parameterverkenning",
        "sweep_intro": (
            "Elke parameter neemt om beurten elk van zijn waarden aan terwijl alle andere op de "
            "basis van het scenario blijven; elk punt draait {reps} gesimuleerde verlopen met "
            "dezelfde seeds. Punten zijn gemiddelden, de streepjes hun 95 %-"
            "betrouwbaarheidsinterval. Met varianten draait elke variant op elk punt en wordt "
            "ze vergeleken met de basis op hetzelfde punt."
        ),
        "sweep_base": "basis",
        "sweep_marks": (
            "✓: de variant bewoog zoals het scenario verwacht, duidelijk (het 95 %-interval van "
            "het gepaarde verschil sluit nul uit); (✓): in de verwachte richting maar binnen de "
            "ruis; ✗: duidelijk de andere kant op; (✗): de andere kant op binnen de ruis; "
            "–: niet bepaald."
        ),
    },
}


def number(x: float | None, lang: str, digits: int = 1) -> str:
    """A number for the language: 1,234.5 in English, 1.234,5 in Dutch; '-' when undefined."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "∞"
    text = f"{x:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(x: float | None, lang: str) -> str:
    return "-" if x is None or math.isnan(x) else f"{number(100 * x, lang, 0)}\u00a0%"


def separators(lang: str) -> str:
    """Plotly's `layout.separators`: decimal mark, then thousands mark."""
    return ",." if lang == "nl" else ".,"


def _merge() -> None:
    """The atlas's, the app's and the workshop's strings live in their own files, in this one
    table."""
    from sim.report.app_text import APP
    from sim.report.atlas_text import ATLAS
    from sim.report.guide_text import GUIDE
    from sim.report.workshop_text import WORKSHOP

    for lang in LANGUAGES:
        TEXT[lang].update(ATLAS[lang] | APP[lang] | WORKSHOP[lang] | GUIDE[lang])


_merge()
