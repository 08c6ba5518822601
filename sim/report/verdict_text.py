"""The claims' verdicts in words, English and Dutch (sim/report/verdicts.py fills them in).

A verdict's sentence names who was compared, the numbers with their 95 % intervals said in
words ("between 46 and 58"), and whether the direction and the size hold. Placeholders: {better}
and {other} are the contrast's members as the report calls them ("a relationship builder"),
{Better} the same at the start of a sentence; {a}, {b} their figures with intervals; {years} the
run's length. Parameter and habit words (`PARAMETERS`, `HABITS`) say what an exploration's box
or a dose-response curve varied, without keys.
"""

from __future__ import annotations

VERDICT: dict[str, dict[str, str]] = {
    "en": {
        "between": "{x} (between {lo} and {hi})",
        "times": ", about {t} times as many",
        "clearly": "clearly ",
        "single": "(One replication, so no interval.)",
        "holds": "as the essay says",
        "fails": "against what the essay says",
        "open": "not settled: the difference could be chance",
        "not_measured": "This run does not measure this claim.",
        "generic": "The run measures this claim: {status}.",
        "generic_size_holds": "Its size agrees with the essay's figure.",
        "generic_size_fails": "Its size does not agree with the essay's figure.",
        "C1_holds": "{Better} sells {clearly}more than {other}: {a} against {b} in {years} "
        "years{times} — {status}.",
        "C1_fails": "{Better} sells {clearly}less than {other} here: {a} against {b} in {years} "
        "years — {status}.",
        "C1_open": "{Better} and {other} sell about as much here: {a} against {b} in {years} "
        "years — {status}.",
        "C1_size_holds": "That is the essay's fifty against one.",
        "C1_size_close": "That is close to the essay's fifty against one, which are round figures.",
        "C1_size_low": "The essay's fifty is not reached.",
        "C1_size_high": "That is more than the essay's fifty.",
        "C1_size_other": "For {other} the essay says one; here it is {b}.",
        "C1_needs": "For fifty, {better} needs {habit}; at {value} it is {a}.",
        "C1_never": "Even at the highest value tried ({value}) fifty is not reached: {a}.",
        "C1_even": "Fifty comes even with {value}: then {a}.",
        "C2_holds": "Most of what {better} sells comes through others: {share} goes to people "
        "the seller never talked with — {status}.",
        "C2_fails": "Most of what {better} sells goes to people the seller talked with: only "
        "{share} comes through others — {status}.",
        "C2_open": "About half of what {better} sells comes through others: {share} — {status}.",
        "C2_size_holds": "That fits the essay's more than ninety percent.",
        "C2_size_close": 'Just under the essay\'s "more than ninety percent", but that is a round '
        "figure.",
        "C2_size_fails": "The essay's more than ninety percent is not reached.",
        "C3_holds": "One conversation is not enough: people remember a name and what someone "
        "does only from conversation {n} on — {status}.",
        "C3_fails": "One conversation is enough here to remember a name — {status}.",
        "C3_open": "Here people never remember a name, however often they talk — {status}.",
        "C3_size_holds": "That fits the essay's five or six conversations.",
        "C3_size_close": "That is close to the essay's five or six conversations.",
        "C3_size_fails": "The essay says five or six conversations; here it takes {n}.",
        "C4_holds": "Trust takes longer than a name: only from conversation {trust_n} on do "
        "people dare to refer someone, while they know the name from conversation {name_n} — "
        "{status}.",
        "C4_fails": "Trust comes as soon as the name here (conversation {trust_n} against "
        "{name_n}) — {status}.",
        "C4_open": "Here trust never gets high enough to refer someone — {status}.",
        "C4_size_holds": "That fits the essay: five or six conversations are not enough.",
        "C4_size_fails": "Against the essay, five or six conversations are enough here.",
        "C10_holds": "At the end {a} members steer clear of {better}, against {b} of {other} — "
        "{status}.",
        "C10_fails": "{Better} is avoided by fewer members than {other}: {a} against {b} at the "
        "end — {status}.",
        "C10_open": "{Better} and {other} are avoided about as often: {a} against {b} at the "
        "end — {status}.",
        "C12_holds": "In the chapter {better} sells {clearly}more than {other}: {a} against {b} "
        "in {years} years — {status}.",
        "C12_fails": "In the chapter {better} sells {clearly}less than {other}: {a} against {b} "
        "in {years} years — {status}.",
        "C12_open": "In the chapter {better} and {other} sell about as much: {a} against {b} "
        "in {years} years — {status}.",
        "C12_alone": "This run compares no two members — {status}.",
        "C12_size_holds": "The chapter passes {refs} referrals per member a year, in line with "
        "BNI's published 42 to 52.",
        "C12_size_close": "The chapter passes {refs} referrals per member a year, close to BNI's "
        "published 42 to 52.",
        "C12_size_fails": "The chapter passes {refs} referrals per member a year, not BNI's "
        "published 42 to 52.",
        "check": "{variant}: {moves} — {how}",
        "check_falls": "falls from {base} to {value}",
        "check_rises": "rises from {base} to {value}",
        "check_stays": "stays at {value}",
        "check_holds": "as the essay says",
        "check_fails": "against what the essay says",
        "check_open": "too little to tell from chance",
        "checks_end": "All in all: {status}.",
        "m_units": "what {who} sells",
        "m_ratio": "{better} sells {x} times as much as {other}, then {y}",
        "ratio_times": "{better} sells {x} times as much as {other}",
        "ratio_then": "{first}, then {second}",
        "ratio_none": "neither sells anything",
        "ratio_zero": "{who} sells nothing",
        "m_avoided_by": "the members who avoid {who}",
        "m_trusted_by": "the members who would refer {who}",
        "m_indirect_share": "the share {who} sells through others",
        "m_referrals_per_member_year": "the referrals per member a year",
        "m_units_per_member": "what a member sells on average",
        "where": "In the exploration it holds at {share} of the points, mostly where {conditions}.",
        "where_everywhere": "In the exploration it holds everywhere.",
        "where_nowhere": "In the exploration it holds nowhere.",
        "where_both": "In the exploration its direction holds at {direction} of the points and "
        "the whole claim at {share}, mostly where {conditions}.",
        "where_both_everywhere": "In the exploration the whole claim holds everywhere.",
        "where_both_nowhere": "In the exploration its direction holds at {direction} of the "
        "points, the whole claim nowhere.",
        "at_least": "{name} is at least {low}",
        "at_most": "{name} is at most {high}",
        "within": "{name} is between {low} and {high}",
        "and": " and ",
        "heading": "The claims, each judged on its direction and its size:",
        "part_direction": "direction",
        "part_size": "size",
        "status_holds": "holds",
        "status_fails": "does not hold",
        "status_open": "not settled",
        "status_n/a": "no figure in the essay",
        "status_unmeasured": "not measured",
    },
    "nl": {
        "between": "{x} (tussen {lo} en {hi})",
        "times": ", zo'n {t} keer zoveel",
        "clearly": "duidelijk ",
        "single": "(Maar één gesimuleerde geschiedenis, dus geen marge.)",
        "holds": "zoals het essay zegt",
        "fails": "anders dan het essay zegt",
        "open": "onbeslist, want het verschil kan toeval zijn",
        "not_measured": "Deze simulatie meet deze stelling niet.",
        "generic": "Uitkomst van de simulatie: {status}.",
        "generic_size_holds": "De grootte klopt met het getal uit het essay.",
        "generic_size_fails": "De grootte klopt niet met het getal uit het essay.",
        "C1_holds": "{Better} verkoopt {clearly}meer dan {other}: {a} tegenover {b} in {years} "
        "jaar{times} — {status}.",
        "C1_fails": "{Better} verkoopt hier {clearly}minder dan {other}: {a} tegenover {b} in "
        "{years} jaar — {status}.",
        "C1_open": "{Better} en {other} verkopen hier ongeveer evenveel: {a} tegenover {b} in "
        "{years} jaar — {status}.",
        "C1_size_holds": "Dat zijn de vijftig tegenover één uit het essay.",
        "C1_size_close": "Dat ligt dicht bij de vijftig tegenover één uit het essay, en dat zijn "
        "ronde getallen.",
        "C1_size_low": "De vijftig uit het essay worden niet gehaald.",
        "C1_size_high": "Dat is meer dan de vijftig uit het essay.",
        "C1_size_other": "Voor {other} zegt het essay één; hier is het {b}.",
        "C1_needs": "Voor vijftig moet {better} {habit}; bij {value} worden het er {a}.",
        "C1_never": "Zelfs bij de hoogste waarde die we probeerden ({value}) worden het er geen "
        "vijftig: {a}.",
        "C1_even": "Zelfs met {value} worden het er al vijftig: {a}.",
        "C2_holds": "Het meeste van wat {better} verkoopt, komt via anderen: {share} gaat naar "
        "mensen die de verkoper zelf nooit sprak — {status}.",
        "C2_fails": "Het meeste van wat {better} verkoopt, gaat naar mensen die de verkoper zelf "
        "sprak: slechts {share} komt via anderen — {status}.",
        "C2_open": "Ongeveer de helft van wat {better} verkoopt, komt via anderen: {share} — "
        "{status}.",
        "C2_size_holds": "Dat past bij de meer dan negentig procent uit het essay.",
        "C2_size_close": 'Net onder de "meer dan negentig procent" uit het essay, maar dat is '
        "een rond getal.",
        "C2_size_fails": "De meer dan negentig procent uit het essay wordt niet gehaald.",
        "C3_holds": "Eén gesprek is niet genoeg: mensen onthouden een naam en wat iemand doet "
        "pas vanaf gesprek {n} — {status}.",
        "C3_fails": "Hier volstaat één gesprek om een naam te onthouden — {status}.",
        "C3_open": "Hier onthouden mensen nooit een naam, hoe vaak ze ook praten — {status}.",
        "C3_size_holds": "Dat past bij de vijf à zes gesprekken uit het essay.",
        "C3_size_close": "Dat ligt dicht bij de vijf à zes gesprekken uit het essay.",
        "C3_size_fails": "Het essay zegt vijf à zes gesprekken; hier zijn het er {n}.",
        "C4_holds": "Vertrouwen duurt langer dan een naam: pas vanaf gesprek {trust_n} durven "
        "mensen iemand aan te bevelen, terwijl ze de naam al kennen vanaf gesprek {name_n} — "
        "{status}.",
        "C4_fails": "Vertrouwen komt hier even snel als de naam (gesprek {trust_n} tegenover "
        "{name_n}) — {status}.",
        "C4_open": "Hier groeit het vertrouwen nooit genoeg om iemand aan te bevelen — {status}.",
        "C4_size_holds": "Dat past bij het essay: vijf à zes gesprekken zijn niet genoeg.",
        "C4_size_fails": "Anders dan het essay zegt, zijn vijf à zes gesprekken hier genoeg.",
        "C10_holds": "Aan het eind gaan {a} leden {better} uit de weg, tegenover {b} die "
        "{other} mijden — {status}.",
        "C10_fails": "{Better} wordt door minder leden gemeden dan {other}: {a} tegenover {b} aan "
        "het eind — {status}.",
        "C10_open": "{Better} en {other} worden ongeveer even vaak gemeden: {a} tegenover {b} "
        "aan het eind — {status}.",
        "C12_holds": "In de chapter verkoopt {better} {clearly}meer dan {other}: {a} tegenover "
        "{b} in {years} jaar — {status}.",
        "C12_fails": "In de chapter verkoopt {better} {clearly}minder dan {other}: {a} "
        "tegenover {b} in {years} jaar — {status}.",
        "C12_open": "In de chapter verkopen {better} en {other} ongeveer evenveel: {a} tegenover "
        "{b} in {years} jaar — {status}.",
        "C12_alone": "Deze simulatie vergelijkt geen leden met elkaar — {status}.",
        "C12_size_holds": "De chapter telt {refs} doorverwijzingen per lid per jaar, in lijn "
        "met de 42 tot 52 die BNI publiceert.",
        "C12_size_close": "De chapter telt {refs} doorverwijzingen per lid per jaar, dicht bij "
        "de 42 tot 52 die BNI publiceert.",
        "C12_size_fails": "De chapter telt {refs} doorverwijzingen per lid per jaar, niet de "
        "42 tot 52 die BNI publiceert.",
        "check": "{variant}: {moves} — {how}",
        "check_falls": "daalt van {base} naar {value}",
        "check_rises": "stijgt van {base} naar {value}",
        "check_stays": "blijft op {value}",
        "check_holds": "zoals het essay zegt",
        "check_fails": "anders dan het essay zegt",
        "check_open": "te weinig om van toeval te onderscheiden",
        "checks_end": "Alles bij elkaar: {status}.",
        "m_units": "wat {who} verkoopt,",
        "m_ratio": "{better} verkoopt normaal {x} keer zoveel als {other}, hier {y}",
        "ratio_times": "verkoopt {better} {x} keer zoveel als {other}",
        "ratio_then": "normaal {first}, hier {second}",
        "ratio_none": "verkoopt geen van beiden iets",
        "ratio_zero": "verkoopt {who} niets",
        "m_avoided_by": "het aantal leden dat {who} mijdt,",
        "m_trusted_by": "het aantal leden dat {who} zou aanbevelen,",
        "m_indirect_share": "het aandeel dat {who} via anderen verkoopt,",
        "m_referrals_per_member_year": "het aantal doorverwijzingen per lid per jaar",
        "m_units_per_member": "wat een lid gemiddeld verkoopt,",
        "where": "In een verkenning met andere aannames klopt de stelling in {share} van de "
        "gevallen, vooral als {conditions}.",
        "where_everywhere": "In een verkenning met andere aannames klopt de stelling steeds.",
        "where_nowhere": "In een verkenning met andere aannames klopt de stelling in geen enkel "
        "geval.",
        "where_both": "In een verkenning met andere aannames klopt de richting van de stelling in "
        "{direction} van de gevallen en de hele stelling in {share}, vooral als {conditions}.",
        "where_both_everywhere": "In een verkenning met andere aannames klopt de hele stelling "
        "steeds.",
        "where_both_nowhere": "In een verkenning met andere aannames klopt de richting van de "
        "stelling in {direction} van de gevallen, de hele stelling in geen enkel geval.",
        "at_least": "{name} minstens {low} is",
        "at_most": "{name} hoogstens {high} is",
        "within": "{name} tussen {low} en {high} ligt",
        "and": " en ",
        "heading": "De stellingen, elk beoordeeld op richting en grootte:",
        "part_direction": "richting",
        "part_size": "grootte",
        "status_holds": "klopt",
        "status_fails": "klopt niet",
        "status_open": "staat niet vast",
        "status_n/a": "geen getal in het essay",
        "status_unmeasured": "niet gemeten",
    },
}

# What it takes for each claim of the registry to hold in full (the atlas's "holds when").
TESTS: dict[str, dict[str, str]] = {
    "C1": {"en": "relationship building sells clearly more, and about fifty against one in "
           "five years", "nl": "wie relaties opbouwt, verkoopt duidelijk meer: zo'n vijftig "
           "tegenover één in vijf jaar"},
    "C2": {"en": "most sales clearly come through others, about ninety percent or more",
           "nl": "de meeste verkoop komt duidelijk via anderen, zo'n negentig procent of meer"},
    "C3": {"en": "a name sticks only after several conversations, five or six",
           "nl": "een naam blijft pas na meerdere gesprekken hangen, vijf à zes"},
    "C4": {"en": "trust comes after the name, after more than six conversations",
           "nl": "vertrouwen komt na de naam, na meer dan zes gesprekken"},
    "C10": {"en": "direct sellers are clearly avoided by more members",
            "nl": "harde verkopers worden duidelijk door meer leden gemeden"},
    "C12": {"en": "builders clearly do better in the chapter, and the chapter passes about the "
            "referrals BNI publishes", "nl": "relatiebouwers doen het duidelijk beter in de "
            "chapter, en de chapter telt ongeveer zoveel doorverwijzingen als BNI publiceert"},
}  # fmt: skip

# What a parameter of an exploration is called in a sentence, and how its values read:
# "percent" (a share), "weeks", or "number".
PARAMETERS: dict[str, tuple[dict[str, str], str]] = {
    "referrals.mention": (
        {"en": "the chance a contact mentions a need", "nl": "de kans dat een contact een "
         "behoefte ter sprake brengt"}, "percent"),
    "market.referral_convert": (
        {"en": "the chance a referral becomes a sale", "nl": "de kans dat een doorverwijzing "
         "een verkoop wordt"}, "percent"),
    "market.pitch_close": (
        {"en": "the chance a pitch closes a sale", "nl": "de kans dat een pitch een verkoop "
         "oplevert"}, "percent"),
    "market.lifetime_weeks": (
        {"en": "the product's lifetime", "nl": "de levensduur van het product"}, "weeks"),
    "memory.half_life_weeks": (
        {"en": "the half-life of a memory", "nl": "de halfwaardetijd van een herinnering"},
        "weeks"),
    "trust.half_life_weeks": (
        {"en": "the half-life of trust", "nl": "de halfwaardetijd van vertrouwen"}, "weeks"),
    "trust.pitch_cost": (
        {"en": "the trust a pushy pitch costs", "nl": "het vertrouwen dat een opdringerige "
         "pitch kost"}, "number"),
    "events.attendance": (
        {"en": "the share of events members attend", "nl": "het deel van de bijeenkomsten "
         "waar leden komen"}, "percent"),
    "ties.depth_half": (
        {"en": "how many conversations make a tie half as deep as it gets", "nl": "na hoeveel "
         "gesprekken een band half zo diep is als hij kan worden"}, "number"),
    "ties.understanding": (
        {"en": "how many more needs a deep tie recognises", "nl": "hoeveel meer behoeften een "
         "diepe band herkent"}, "number"),
    "ties.belief": (
        {"en": "how much more a deep tie is believed", "nl": "hoeveel meer een diepe band "
         "geloofd wordt"}, "number"),
    "conversation.small_talk": (
        {"en": "the share of small talk", "nl": "het deel van de gesprekken over koetjes en "
         "kalfjes"}, "percent"),
}  # fmt: skip

# A habit (a trait of the focal groups) as a dose-response curve or an exploration varies it:
# its name ({who}: "a relationship builder"), what it takes ({v}: the value), the value alone.
HABITS: dict[str, dict[str, dict[str, str] | str]] = {
    "one_to_ones": {
        "name": {"en": "the one-to-ones a month of {who}",
                 "nl": "het aantal een-op-eengesprekken per maand van {who}"},
        "needs": {"en": "about {v} one-to-ones a month",
                  "nl": "zo'n {v} een-op-eengesprekken per maand hebben"},
        "value": {"en": "{v} one-to-ones a month", "nl": "{v} een-op-eengesprekken per maand"},
        "axis": {"en": "one-to-ones a month", "nl": "een-op-eengesprekken per maand"},
        "kind": "number",
    },
    "attendance": {
        "name": {"en": "the share of events {who} attends",
                 "nl": "het deel van de bijeenkomsten waar {who} komt"},
        "needs": {"en": "to come to about {v} of the events",
                  "nl": "naar zo'n {v} van de bijeenkomsten gaan"},
        "value": {"en": "{v} of the events", "nl": "{v} van de bijeenkomsten"},
        "axis": {"en": "share of the events attended",
                 "nl": "deel van de bijeenkomsten bijgewoond"},
        "kind": "percent",
    },
}  # fmt: skip
