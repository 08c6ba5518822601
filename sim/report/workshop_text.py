"""The workshop pack's text in English and Dutch (merged into sim/report/i18n.py's TEXT).

Each claim C1-C17 has a short title (`ws_title_Cn`), a restatement of the essays' claim in our
own words (`ws_claim_Cn`) and a question for the room (`ws_q_Cn`); the deck, the handouts and
the facilitator guide use the same entries.
"""

from __future__ import annotations

CLAIMS_EN = {
    "C1": (
        "One laptop versus fifty",
        "A seller who pitches everyone sells one laptop to a contact, who then needs none for five years. A seller who builds relationships gets referred and sells about ten a year: fifty in five years.",
        "Think of the last event you went to. Whom did you try to sell to, and whom did you get to know?",
    ),
    "C2": (
        "Most return is indirect",
        "For someone who networks well, more than nine tenths of the business comes from the second and third degree: people your contacts know, and people they know.",
        "Where did your last three customers come from: people you met yourself, or people your contacts sent?",
    ),
    "C3": (
        "Names stick after five or six conversations",
        "Most people need five or six conversations with you before they remember your name and what you do.",
        "How many times must you meet someone before you could explain what they do?",
    ),
    "C4": (
        "Trust takes longer than a name",
        "To refer you, people put their own reputation at stake: they must trust you, and that takes more meetings than remembering you.",
        "Whom would you refer to your best client tomorrow, and how often have you met them?",
    ),
    "C5": (
        "Contacts cool down",
        "A contact not seen again fades; someone met once is never top of mind. Repetition is where networking gets its power.",
        "Which contacts of a year ago would still think of you today?",
    ),
    "C6": (
        "Reputation grows with the network",
        "Networking builds a network and a reputation for credibility at the same time.",
        "What do people say about you when you are not in the room?",
    ),
    "C7": (
        "A specific ask gets referrals",
        "Saying exactly whom you are looking for makes a referral likelier than 'everyone is a potential customer'.",
        "Say in one sentence whom you are looking for. Could your neighbour name someone?",
    ),
    "C8": (
        "Listen before you talk",
        "Someone busy telling their own story does not understand the other's story, and so cannot refer to them.",
        "In your last conversation, who spoke more: you or the other?",
    ),
    "C9": (
        "Give first",
        "Asking first what you can do for the other person is the strongest stance; receiving follows.",
        "When did you last send someone a customer without being asked?",
    ),
    "C10": (
        "Pushy follow-up repels",
        "A card exchange followed on Monday by a sales call leaves a sour taste: people start to avoid the caller at events.",
        "Have you ever avoided someone at an event? Why?",
    ),
    "C11": (
        "Durable goods block repeat sales",
        "A sale closes that buyer for the product's lifetime: about five years for a laptop.",
        "How long is your product's lifetime, and what does that mean for selling to the people you meet?",
    ),
    "C12": (
        "Referral clubs",
        "In a referral club the question that shows its value is how many referrals members gave you, not how much you sold to them.",
        "If you are in a club: how many referrals did you give last month?",
    ),
    "C13": (
        "Touring open events does not pay",
        "Visiting a different one of many open events each time means nobody sees you again soon enough to remember you.",
        "Do you go back to the same events, or try a new one each time?",
    ),
    "C14": (
        "Familiar tables beat rotating seats",
        "Rotating dinner seats so people meet new faces loses the value that appears only when people know each other well.",
        "Would you rather sit with new faces or with people you know at a club dinner?",
    ),
    "C15": (
        "Small closed circles",
        "The real networking of successful entrepreneurs happens in small groups that meet the same people again and again.",
        "Do you have a small group that meets regularly? What has it brought you?",
    ),
    "C16": (
        "Three ways together",
        "Events to meet new people, online posts to stay warm, and a small circle for the most valuable contacts: the more combined, the warmer the network.",
        "Which of the three do you do: events, online, a small circle?",
    ),
    "C17": (
        "Small talk counts",
        "Conversations need not be about business: shared interests and news build the relationship too.",
        "What did you talk about with your best contact last time?",
    ),
}

CLAIMS_NL = {
    "C1": ("Eén laptop tegenover vijftig",
           "Wie iedereen iets probeert te verkopen, verkoopt één laptop aan een contact, en dat heeft dan vijf jaar geen nieuwe nodig. Wie relaties opbouwt, wordt aanbevolen en verkoopt er zo'n tien per jaar: vijftig in vijf jaar.",
           "Denk aan de laatste bijeenkomst waar u was. Aan wie probeerde u iets te verkopen, en wie leerde u kennen?"),
    "C2": ("Het meeste komt via via",
           "Als u goed netwerkt, haalt u meer dan negentig procent van uw opdrachten uit de tweede en derde graad: mensen die uw contacten kennen, en de mensen die zij weer kennen.",
           "Waar kwamen uw laatste drie klanten vandaan: mensen die u zelf ontmoette, of mensen die uw contacten stuurden?"),
    "C3": ("Een naam blijft hangen na vijf of zes gesprekken",
           "De meeste mensen hebben vijf of zes gesprekken met u nodig voordat ze uw naam onthouden en weten wat u doet.",
           "Hoe vaak moet u iemand ontmoeten voordat u kunt uitleggen wat die persoon doet?"),
    "C4": ("Vertrouwen kost meer tijd dan een naam",
           "Wie u aanbeveelt, zet de eigen reputatie op het spel: die moet u dus vertrouwen, en daar zijn meer ontmoetingen voor nodig dan om u te onthouden.",
           "Wie zou u morgen aanbevelen bij uw beste klant, en hoe vaak hebt u die persoon ontmoet?"),
    "C5": ("Contacten koelen af",
           "Een contact dat u niet terugziet, vervaagt; wie u maar één keer ontmoette, denkt nooit als eerste aan u. Herhaling geeft netwerken zijn kracht.",
           "Welke contacten van een jaar geleden denken vandaag nog aan u?"),
    "C6": ("Reputatie groeit met het netwerk",
           "Met netwerken bouwt u tegelijk een netwerk op en een reputatie als betrouwbare partner.",
           "Wat zeggen mensen over u als u er niet bij bent?"),
    "C7": ("Een precieze vraag levert doorverwijzingen op",
           "Precies zeggen wie u zoekt, maakt een doorverwijzing waarschijnlijker dan 'iedereen is een mogelijke klant'.",
           "Zeg in één zin wie u zoekt. Kan uw buurman of buurvrouw iemand noemen?"),
    "C8": ("Eerst luisteren, dan praten",
           "Wie vooral het eigen verhaal vertelt, begrijpt het verhaal van de ander niet en kan dus ook geen klanten naar die ander doorverwijzen.",
           "Wie sprak er het meest in uw laatste gesprek: u of de ander?"),
    "C9": ("Eerst geven",
           "Eerst vragen wat u voor de ander kunt doen, is de sterkste houding; ontvangen volgt vanzelf.",
           "Wanneer stuurde u iemand voor het laatst een klant zonder dat erom gevraagd was?"),
    "C10": ("Opdringerig opvolgen stoot af",
            "Wie kaartjes ruilt en op maandag belt om iets te verkopen, laat een zure smaak achter: mensen gaan die beller op bijeenkomsten ontlopen.",
            "Hebt u ooit iemand ontlopen op een bijeenkomst? Waarom?"),
    "C11": ("Wat lang meegaat, koopt niemand snel opnieuw",
            "Na een verkoop is die koper uit de markt zolang het product meegaat: zo'n vijf jaar voor een laptop.",
            "Hoe lang gaat uw product mee, en wat betekent dat als u iets wilt verkopen aan de mensen die u ontmoet?"),
    "C12": ("Doorverwijsclubs",
            "Wat een doorverwijsclub waard is, ziet u aan het aantal doorverwijzingen dat de leden u gaven, niet aan wat u aan hen verkocht.",
            "Zit u in een club? Hoeveel doorverwijzingen gaf u vorige maand?"),
    "C13": ("Rondtrekken langs open bijeenkomsten loont niet",
            "Wie telkens naar een andere open bijeenkomst gaat, ziet niemand snel genoeg terug om onthouden te worden.",
            "Gaat u terug naar dezelfde bijeenkomsten, of probeert u telkens een nieuwe?"),
    "C14": ("Vaste tafels werken beter dan wisselende plaatsen",
            "Wie bij clubdiners de plaatsen laat wisselen zodat iedereen nieuwe gezichten ziet, verliest wat pas ontstaat als mensen elkaar goed kennen.",
            "Zit u op een clubdiner liever bij nieuwe gezichten of bij mensen die u kent?"),
    "C15": ("Kleine gesloten kringen",
            "Het echte netwerken van succesvolle ondernemers gebeurt in kleine groepen waarin ze telkens dezelfde mensen zien.",
            "Hebt u een kleine groep die geregeld samenkomt? Wat heeft die u opgeleverd?"),
    "C16": ("Drie manieren samen",
            "Bijeenkomsten om nieuwe mensen te ontmoeten, online berichten om warm te blijven en een kleine kring voor de waardevolste contacten: hoe meer u ze combineert, hoe warmer uw netwerk.",
            "Welke van de drie doet u: bijeenkomsten, online, een kleine kring?"),
    "C17": ("Koetjes en kalfjes tellen mee",
            "Gesprekken hoeven niet over zaken te gaan: gedeelde interesses en nieuws bouwen de relatie ook op.",
            "Waarover sprak u de laatste keer met uw beste contact?"),
}  # fmt: skip

WORKSHOP: dict[str, dict[str, str]] = {
    "en": {
        "ws_title": "Networking: the relationship or the sale?",
        "ws_subtitle": "What a simulation of five years of networking says about seventeen claims",
        "ws_made": "Made on {date} from {runs} simulations, each repeated {reps} times.",
        "ws_read_title": "How to read these slides",
        "ws_read_body": "Each claim comes from essays by networking practitioners. The simulator turns it into a mechanism and runs it many times: the lines and bars are means over the replications, the shaded bands and whiskers their 95 % confidence intervals. Where the model disagrees with the essay, the slide says so.",
        "ws_question": "Question for the room",
        "ws_model_says": "What the model says",
        "ws_not_measured": "not measured in this pack",
        "ws_q_any": "Does this hold where you network? What would you expect?",
        "ws_from": "Simulated in: {scenario}",
        "ws_base": "base",
        "ws_summary": "The claims: where the model stands",
        "ws_close_title": "Thank you",
        "ws_close_body": "Try it yourself: move the sliders in the live app and watch five years unfold, or play yourself in the room.",
        "ws_handout_title": "Networking in five years: the key charts",
        "ws_handout_intro": "Charts from runs of the simulator made for this session. Lines and bars are means over the replications; bands and whiskers are 95 % confidence intervals.",
        "ws_guide_title": "Facilitator guide: a 90-minute session",
        "ws_time": "Time",
        "ws_block": "What happens",
        "ws_show": "Show",
        "ws_ask": "Ask the room",
        "ws_answer": "What the model says",
    },
    "nl": {
        "ws_title": "Netwerken: de relatie of de verkoop?",
        "ws_subtitle": "Wat een simulatie van vijf jaar netwerken zegt over zeventien stellingen",
        "ws_made": "Gemaakt op {date} op basis van {runs} simulaties, elk {reps} keer herhaald.",
        "ws_read_title": "Zo leest u deze dia's",
        "ws_read_body": "Elke stelling komt uit essays van netwerkers uit de praktijk. De simulator vertaalt die in een mechanisme en speelt dat vele keren door: lijnen en staven zijn gemiddelden over die herhalingen, de gekleurde banden en streepjes geven de marge waarbinnen dat gemiddelde met 95 % zekerheid ligt. Waar het model het niet eens is met het essay, staat dat op de dia.",
        "ws_question": "Vraag aan de zaal",
        "ws_model_says": "Wat het model zegt",
        "ws_not_measured": "niet gemeten in dit pakket",
        "ws_q_any": "Klopt dit waar u netwerkt? Wat verwacht u?",
        "ws_from": "Gesimuleerd in: {scenario}",
        "ws_base": "basis",
        "ws_summary": "De stellingen: wat het model ervan zegt",
        "ws_close_title": "Bedankt",
        "ws_close_body": "Probeer het zelf: verschuif de schuifjes in de app en bekijk hoe die vijf jaar verlopen, of speel zelf mee in de zaal.",
        "ws_handout_title": "Netwerken over vijf jaar: de belangrijkste grafieken",
        "ws_handout_intro": "Grafieken uit simulaties die voor deze sessie zijn gemaakt. Lijnen en staven zijn gemiddelden over de herhalingen; banden en streepjes geven de marge waarbinnen dat gemiddelde met 95 % zekerheid ligt.",
        "ws_guide_title": "Handleiding voor de trainer: een sessie van 90 minuten",
        "ws_time": "Tijd",
        "ws_block": "Wat er gebeurt",
        "ws_show": "Tonen",
        "ws_ask": "Vraag aan de zaal",
        "ws_answer": "Wat het model zegt",
    },
}  # fmt: skip

for _lang, _claims in (("en", CLAIMS_EN), ("nl", CLAIMS_NL)):
    for _id, (_title, _claim, _question) in _claims.items():
        WORKSHOP[_lang] |= {
            f"ws_title_{_id}": _title,
            f"ws_claim_{_id}": _claim,
            f"ws_q_{_id}": _question,
        }
