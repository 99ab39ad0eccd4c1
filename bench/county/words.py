"""Word lists for the county register (bench/county/generate.py): the
organisations of a shared service in Västra Götaland, their organs, and the
pieces case titles, document descriptions and counterparts are composed of.

Everything here is invented or public knowledge (municipality names, public
authorities, party names); the people are random combinations of common
Swedish first names and surnames."""

from __future__ import annotations

# (name, slug, weight ~ population in thousands, diary number format, kind)
# kind "municipality" gets the municipal organs, "federation" a direction and its committee.
ORGANISATIONS = [
    ("Borås Stad", "county-boras", 115, "{series} {year}/{seq}", "municipality"),
    ("Trollhättans stad", "county-trollhattan", 59, "{series} {year}/{seq}", "municipality"),
    ("Uddevalla kommun", "county-uddevalla", 57, "{year}.{seq} {series}", "municipality"),
    ("Kungälvs kommun", "county-kungalv", 49, "{series} {year}/{seq}", "municipality"),
    ("Lerums kommun", "county-lerum", 43, "{year}.{seq} {series}", "municipality"),
    ("Vänersborgs kommun", "county-vanersborg", 40, "{series} {year}/{seq}", "municipality"),
    ("Partille kommun", "county-partille", 40, "{year}.{seq} {series}", "municipality"),
    ("Härryda kommun", "county-harryda", 39, "{series} {year}/{seq}", "municipality"),
    ("Marks kommun", "county-mark", 35, "{year}.{seq} {series}", "municipality"),
    ("Ale kommun", "county-ale", 32, "{series} {year}/{seq}", "municipality"),
    ("Stenungsunds kommun", "county-stenungsund", 27, "{year}.{seq} {series}", "municipality"),
    ("Ulricehamns kommun", "county-ulricehamn", 25, "{series} {year}/{seq}", "municipality"),
    ("Tjörns kommun", "county-tjorn", 16, "{year}.{seq} {series}", "municipality"),
    ("Orusts kommun", "county-orust", 15, "{series} {year}/{seq}", "municipality"),
    ("Lysekils kommun", "county-lysekil", 14, "{year}.{seq} {series}", "municipality"),
    ("Vårgårda kommun", "county-vargarda", 12, "{series} {year}/{seq}", "municipality"),
    ("Herrljunga kommun", "county-herrljunga", 10, "{year}.{seq} {series}", "municipality"),
    ("Räddningstjänstförbundet Södra Älvsborg", "county-rsa", 14, "{series} {year}/{seq}", "federation"),
    ("Boråsregionen Sjuhärads kommunalförbund", "county-sjuharad", 8, "{series} {year}/{seq}", "federation"),
    ("Fyrbodals kommunalförbund", "county-fyrbodal", 6, "{year}.{seq} {series}", "federation"),
]

# (code, name, kind, parent code or None, series code, share of the cases,
#  topic group, share of secret documents, share of private counterparts among incoming,
#  share of titles naming a private person, share of titles with a personal identity number)
MUNICIPAL_ORGANS = [
    ("KF", "Kommunfullmäktige", "council", None, "KS", 0.02, "council", 0.0, 0.05, 0.0, 0.0),
    ("KS", "Kommunstyrelsen", "executive_board", None, "KS", 0.24, "executive", 0.01, 0.15, 0.005, 0.0),
    ("KSAU", "Kommunstyrelsens arbetsutskott", "committee", "KS", "KS", 0.02, "executive", 0.01, 0.1, 0.0, 0.0),
    ("BMN", "Bygg- och miljönämnden", "board", None, "BMN", 0.25, "building", 0.005, 0.55, 0.03, 0.0),
    ("SN", "Socialnämnden", "board", None, "SN", 0.09, "social", 0.2, 0.6, 0.05, 0.01),
    ("SNIU", "Socialnämndens individutskott", "committee", "SN", "SN", 0.01, "social", 0.6, 0.8, 0.1, 0.05),
    ("BUN", "Barn- och utbildningsnämnden", "board", None, "BUN", 0.10, "school", 0.08, 0.45, 0.05, 0.0),
    ("TN", "Tekniska nämnden", "board", None, "TN", 0.10, "technical", 0.005, 0.35, 0.02, 0.0),
    ("KFN", "Kultur- och fritidsnämnden", "board", None, "KFN", 0.07, "culture", 0.0, 0.2, 0.01, 0.0),
    ("ÖFN", "Överförmyndarnämnden", "board", None, "ÖFN", 0.06, "guardian", 0.3, 0.8, 0.4, 0.3),
    ("VN", "Valnämnden", "board", None, "VN", 0.01, "election", 0.0, 0.05, 0.0, 0.0),
    ("BOST", "Bostadsbolaget AB", "company", None, "BOST", 0.03, "housing", 0.02, 0.5, 0.02, 0.0),
]

FEDERATION_ORGANS = [
    ("DIR", "Förbundsdirektionen", "executive_board", None, "DIR", 0.35, "federation", 0.01, 0.1, 0.0, 0.0),
    ("AU", "Direktionens arbetsutskott", "committee", "DIR", "DIR", 0.05, "federation", 0.01, 0.1, 0.0, 0.0),
    ("TILL", "Tillsyns- och tillståndsenheten", "board", None, "TILL", 0.60, "rescue", 0.02, 0.4, 0.01, 0.0),
]

SECRECY_GROUNDS = {
    "social": ["OSL 26 kap. 1 §"], "guardian": ["OSL 32 kap. 4 §", "OSL 26 kap. 1 §"],
    "school": ["OSL 23 kap. 2 §", "OSL 21 kap. 1 §"], "executive": ["OSL 19 kap. 3 §", "OSL 39 kap. 1 §"],
    "technical": ["OSL 19 kap. 3 §", "OSL 18 kap. 8 §"], "building": ["OSL 21 kap. 3 §", "OSL 18 kap. 8 §"],
    "housing": ["OSL 21 kap. 3 §", "OSL 19 kap. 1 §"], "rescue": ["OSL 18 kap. 8 §", "OSL 21 kap. 1 §"],
    "federation": ["OSL 19 kap. 3 §"], "culture": ["OSL 19 kap. 3 §"], "council": ["OSL 19 kap. 3 §"],
    "election": ["OSL 18 kap. 8 §"],
}

FIRST_NAMES = """Anna Eva Maria Karin Sara Christina Lena Kerstin Emma Ingrid Marie Malin Sofia Linnéa Elin
Johanna Ida Hanna Julia Birgitta Annika Susanne Camilla Jenny Helena Agneta Ulla Monica Elsa Ebba Alice
Lars Karl Erik Anders Johan Per Nils Mikael Jan Hans Peter Olof Gustav Fredrik Daniel Magnus Andreas
Stefan Thomas Mattias Jonas Henrik Björn Oskar Viktor Emil Axel Hugo Filip Ali Mohammed Ahmed Omar
Elias Liam Noah William Lucas Adam""".split()

SURNAMES = """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson
Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Lindström Olofsson
Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren Lundqvist Mattsson Berglund Fredriksson
Sandberg Henriksson Forsberg Sjöberg Ali Wallin Mohammed Engström Eklund Danielsson Lundin Håkansson
Björk Bergman Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson
Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Hassan Mårtensson Lundström Viklund Björklund
Eliasson Pålsson Berggren Sandström Lund Nordin Ström Åberg Hermansson Ekström Holmgren Sundberg Hedlund
Dahlberg Hellström Sjögren Abrahamsson Falk Martinsson Öberg Andreasson Strömberg Månsson Åkesson""".split()

STREETS = """Storgatan Kungsgatan Drottninggatan Järnvägsgatan Skolgatan Kyrkogatan Ringvägen Parkvägen
Industrivägen Allégatan Västra vägen Östra Långgatan Bangatan Strandvägen Nygatan Trädgårdsgatan
Torggatan Åsvägen Björkvägen Tallvägen Ekvägen Lindvägen Hamngatan Fabriksgatan Sjövägen Bruksvägen
Skogsvägen Prästgårdsvägen Gärdesvägen Hagavägen""".split("\n")
STREETS = [s for line in STREETS for s in line.split() if s not in ("Västra", "Östra")] + [
    "Västra vägen", "Östra Långgatan"]

# Parts of property designations ("Hult 1:23") and place names.
TRACTS = """Hult Berga Sjöbo Norrby Tokarp Hässleholmen Göta Rydboholm Sandared Viskafors Dalsjöfors
Fristad Sparsör Gånghester Brämhult Kvarnbacken Lilla Edet Bohus Nödinge Älvängen Skepplanda Surte
Hjälmared Floda Gråbo Stenkullen Sävedalen Öjersjö Landvetter Mölnlycke Hindås Rävlanda Kinna Skene
Fritsla Örby Horred Svenljunga Tranemo Limmared Gällstad Timmele Ljungsarp Vårgårda Lagmansholm
Herrljunga Annelund Ljung Stenungsund Jörlanda Ucklum Kållekärr Skärhamn Rönnäng Henån Svanesund
Ellös Lysekil Brastad Grundsund Fiskebäckskil Uddevalla Ljungskile Herrestad Vänersborg Brålanda
Vargön Trollhättan Sjuntorp Kungälv Ytterby Kode Marstrand""".split()

PARTIES = ["Socialdemokraterna", "Moderaterna", "Sverigedemokraterna", "Centerpartiet", "Vänsterpartiet",
           "Kristdemokraterna", "Liberalerna", "Miljöpartiet de gröna"]

COMPANIES = [
    "Skanska Sverige AB", "NCC Sverige AB", "Peab Sverige AB", "Sweco Sverige AB", "Ramboll Sverige AB",
    "WSP Sverige AB", "Vattenfall Eldistribution AB", "Ellevio AB", "Telia Sverige AB", "PostNord Sverige AB",
    "HSB Göteborg ek. för.", "Riksbyggen ek. för.", "Atea Sverige AB", "Tieto Sverige AB", "Coor Service Management AB",
    "Sodexo AB", "Bygg & Mark i Sjuhärad AB", "Västkustens Schakt AB", "Älvdalens Åkeri AB", "Alingsås Energi Nät AB",
    "Borås Energi och Miljö AB", "Renova Miljö AB", "Svevia AB", "Ica Supermarket Kinna AB", "Restaurang Torget AB",
    "Pizzeria Bella Napoli HB", "Hotell Bohusgården AB", "Fastighets AB Brämhult", "Tornstaden Fastigheter AB",
    "Kyrkbacken Förskola ekonomisk förening",
]

AUTHORITIES = [
    "Länsstyrelsen i Västra Götalands län", "Trafikverket", "Skolinspektionen",
    "Inspektionen för vård och omsorg", "Naturvårdsverket", "Boverket", "Lantmäteriet",
    "Förvaltningsrätten i Göteborg", "Mark- och miljödomstolen vid Vänersborgs tingsrätt",
    "Västra Götalandsregionen", "Polismyndigheten", "Skatteverket", "Försäkringskassan", "Arbetsförmedlingen",
    "Sveriges Kommuner och Regioner", "Kammarrätten i Göteborg", "Myndigheten för samhällsskydd och beredskap",
    "Havs- och vattenmyndigheten", "Riksarkivet", "Valmyndigheten", "Migrationsverket", "Kronofogdemyndigheten",
    "Tillväxtverket", "Folkhälsomyndigheten", "Socialstyrelsen", "Statens skolverk", "Upphandlingsmyndigheten",
]

ASSOCIATIONS = [
    "IFK Borås", "Hembygdsföreningen Gamla Kinna", "PRO Lerum", "Naturskyddsföreningen i Ale",
    "Friluftsfrämjandet Kungälv", "Scoutkåren Sjöbo", "Röda Korset Uddevalla", "Villaägarna Partille",
    "Studieförbundet Vuxenskolan Fyrbodal", "Tjörns Ryttarförening", "Orust Golfklubb", "Lysekils Segelsällskap",
    "Vårgårda Musikkår", "Herrljunga Konstförening", "Trollhättans Bordtennisklubb", "Stenungsunds Simsällskap",
]

# Case titles by topic group: {x} placeholders filled from FILL below, {year} with the year.
TITLES = {
    "council": [
        "Motion om {policy_topic} från {party}", "Medborgarförslag om {place_thing} i {tract}",
        "Val av ledamöter och ersättare till {board}", "Avsägelse av uppdrag i {board}",
        "Interpellation om {policy_topic}", "Fyllnadsval till {board}", "Arvodesbestämmelser för förtroendevalda {year}",
        "Revisionsberättelse för {year}", "Ansvarsfrihet för {board} {year}",
    ],
    "executive": [
        "Budget och verksamhetsplan {year}", "Delårsrapport per {month} {year}", "Årsredovisning {year}",
        "Remiss: {remiss} från {authority}", "Yttrande över {remiss}", "Policy för {policy_topic}",
        "Riktlinjer för {policy_topic}", "Upphandling av {service}", "Avtal om {service} med {company}",
        "Detaljplan för {tract} {number}:{number}", "Markanvisning för bostäder i {tract}",
        "Försäljning av fastigheten {tract} {number}:{number}", "Revisionsrapport: granskning av {policy_topic}",
        "Medborgarförslag om {place_thing} i {tract}", "Internkontrollplan {year}", "Lokalförsörjningsplan {year}",
        "Begäran om utlämnande av allmän handling", "Överenskommelse med {authority} om {policy_topic}",
        "Handlingsplan för {policy_topic} {year}", "Investeringsbudget för {place_thing} i {tract}",
    ],
    "building": [
        "Bygglov för {building} på fastigheten {tract} {number}:{number}",
        "Bygglov för tillbyggnad av {building} på fastigheten {tract} {number}:{number}",
        "Förhandsbesked för nybyggnad av enbostadshus på fastigheten {tract} {number}:{number}",
        "Rivningslov för {building} på fastigheten {tract} {number}:{number}",
        "Strandskyddsdispens för {shore_thing} på fastigheten {tract} {number}:{number}",
        "Anmälan om installation av {installation} på fastigheten {tract} {number}:{number}",
        "Klagomål på {nuisance} vid {street} {number}", "Tillsyn enligt miljöbalken av {business}",
        "Olovligt byggande på fastigheten {tract} {number}:{number}",
        "Ansökan om tillstånd för enskilt avlopp på fastigheten {tract} {number}:{number}",
        "Livsmedelskontroll av {business}", "Registrering av livsmedelsanläggning, {business}",
        "Strandskyddsdispens för {shore_thing} vid {lake}",
    ],
    "social": [
        "Ansökan om serveringstillstånd för {restaurant}", "Tillsyn enligt alkohollagen av {restaurant}",
        "Anmälan enligt lex Sarah vid {care_unit}", "Avtal om {care_service} med {company}",
        "Yttrande till Förvaltningsrätten i Göteborg i mål nr {number}-{short_year}",
        "Ansökan om bostadsanpassningsbidrag", "Ansökan om färdtjänst", "Överklagande av beslut om bistånd",
        "Uppföljning av {care_service} {year}", "Ansökan om stöd enligt LSS", "Orosanmälan",
        "Begäran om utlämnande av allmän handling", "Remiss: {remiss} från {authority}",
        "Verksamhetsplan för {care_unit} {year}", "Tillståndsansökan för tobaksförsäljning, {business}",
    ],
    "school": [
        "Ansökan om skolskjuts", "Ansökan om mottagande i {school}", "Anmälan om kränkande behandling vid {school}",
        "Skolinspektionens tillsyn av {school}", "Ansökan om godkännande som huvudman för {preschool}",
        "Läsårstider {year}/{next_year}", "Ansökan om tilläggsbelopp", "Ansökan om modersmålsundervisning",
        "Upphandling av {service}", "Klagomål på utbildningen vid {school}", "Systematiskt kvalitetsarbete {year}",
        "Ansökan om skolgång i annan kommun", "Begäran om utlämnande av allmän handling",
    ],
    "technical": [
        "Ansökan om {permit} på {street}", "Skadeanmälan, {damage} på {street}",
        "Lokala trafikföreskrifter för {street} i {tract}", "Upphandling av {service}",
        "Medborgarförslag om {traffic} på {street}", "Avtal om {service} med {company}",
        "Ledningsrätt för {utility} i {tract}", "Renhållningsföreskrifter {year}",
        "Taxa för vatten och avlopp {year}", "Ansökan om nyttoparkeringstillstånd",
    ],
    "culture": [
        "Ansökan om föreningsbidrag från {association}", "Ansökan om kulturbidrag för {event}",
        "Uthyrning av {venue} till {association}", "Kulturpris {year}", "Ansökan om arrangemangsbidrag för {event}",
        "Avtal om drift av {venue}", "Medborgarförslag om {place_thing} i {tract}",
    ],
    "guardian": [
        "Ansökan om god man", "Anordnande av förvaltarskap", "Granskning av årsräkning {year}",
        "Ansökan om samtycke till försäljning av fastighet", "Byte av god man", "Upphörande av godmanskap",
        "Tillsyn över förmyndare", "Ansökan om arvode för god man {year}",
    ],
    "election": [
        "Valdistriktsindelning inför valet {year}", "Förtidsröstning vid valet {year}",
        "Rekrytering av röstmottagare {year}", "Lokaler för röstning i {tract}",
    ],
    "housing": [
        "Ombyggnad av {building} i {tract}", "Upphandling av {service}", "Hyresförhandling {year}",
        "Avtal om {service} med {company}", "Klagomål på {nuisance} vid {street} {number}",
    ],
    "federation": [
        "Verksamhetsplan och budget {year}", "Årsredovisning {year}", "Delårsrapport per {month} {year}",
        "Remiss: {remiss} från {authority}", "Samverkansavtal med {authority}", "Upphandling av {service}",
        "Revisionsrapport {year}", "Handlingsprogram enligt lagen om skydd mot olyckor {year}",
    ],
    "rescue": [
        "Tillsyn enligt lagen om skydd mot olyckor av {business}",
        "Ansökan om tillstånd för hantering av brandfarlig vara, {business}",
        "Olycksundersökning, {incident} på {street}", "Remiss: bygglov på fastigheten {tract} {number}:{number}",
        "Sotning och brandskyddskontroll i {tract} {year}", "Föreläggande om brandskydd, {business}",
        "Ansökan om eget sotningsarbete på fastigheten {tract} {number}:{number}",
    ],
}

FILL = {
    "policy_topic": ["förskolans lokaler", "gång- och cykelvägar", "kollektivtrafiken", "äldreomsorgen",
                     "klimatanpassning", "digitalisering", "upphandling", "bostadsförsörjning", "näringslivsklimatet",
                     "ungdomars fritid", "trygghet och säkerhet", "folkhälsa", "energieffektivisering",
                     "integration", "informationssäkerhet", "dataskydd", "arbetsmiljö", "lönebildning",
                     "friskvård för anställda", "landsbygdsutveckling", "besöksnäring", "återvinning"],
    "place_thing": ["en hundrastgård", "en lekplats", "belysning längs gångvägen", "en utegym", "fler parkbänkar",
                    "en skatepark", "farthinder", "en badbrygga", "en pumptrack", "laddstolpar"],
    "remiss": ["förslag till regional utvecklingsstrategi", "betänkandet SOU {year}:{number}",
               "förslag till ändrade föreskrifter om vattenskyddsområde", "regional transportinfrastrukturplan",
               "förslag till åtgärdsprogram för luftkvalitet", "länsplan för regional infrastruktur",
               "förslag till ny avfallsplan", "promemoria om ändrade regler för bygglov"],
    "service": ["skolmåltider", "städtjänster", "IT-drift", "vinterväghållning", "hemtjänstsystem",
                "snöröjning", "fordon", "kontorsmaterial", "konsulttjänster inom VA", "ekonomisystem",
                "arbetskläder", "skolskjutsar", "grönyteskötsel", "livsmedel", "telefoni"],
    "building": ["enbostadshus", "fritidshus", "garage", "carport", "komplementbyggnad", "flerbostadshus",
                 "industribyggnad", "förråd", "uterum", "lagerbyggnad", "transformatorstation"],
    "shore_thing": ["brygga", "bastu", "friggebod", "staket", "båthus", "altan"],
    "installation": ["värmepump", "eldstad", "solceller", "bergvärme"],
    "nuisance": ["buller", "lukt", "nedskräpning", "fukt och mögel", "ventilation", "skadedjur"],
    "business": ["Restaurang Torget AB", "Ica Supermarket Kinna AB", "Västkustens Schakt AB",
                 "Hotell Bohusgården AB", "Pizzeria Bella Napoli HB", "Älvdalens Åkeri AB", "Borås Bilverkstad AB",
                 "Tjörns Båtvarv AB", "Sjuhärads Bageri AB", "Fyrbodal Kemtvätt AB"],
    "restaurant": ["Restaurang Torget AB", "Pizzeria Bella Napoli HB", "Hotell Bohusgården AB",
                   "Café Strandkanten AB", "Pub Ankaret HB", "Sushi Bar Göta AB"],
    "care_unit": ["Solgårdens äldreboende", "Hemtjänsten i {tract}", "Björkängens gruppbostad",
                  "Lindens korttidsboende", "Daglig verksamhet {tract}"],
    "care_service": ["hemtjänst", "skyddat boende", "familjehemsvård", "personlig assistans",
                     "korttidsvistelse", "boendestöd", "konsulentstödd familjehemsvård"],
    "school": ["{tract}skolan", "{tract} förskola", "{tract} gymnasium", "Kvarnbackens skola",
               "Björkhagens förskola", "Sjöviksskolan"],
    "preschool": ["Förskolan Lärkan", "Förskolan Solstrålen", "Montessoriförskolan Tallen",
                  "Kyrkbacken Förskola ekonomisk förening"],
    "permit": ["grävtillstånd", "upplåtelse av offentlig plats", "tillstånd för uteservering",
               "schakttillstånd", "tillstånd för byggetablering"],
    "damage": ["skada på fordon", "halkolycka", "vattenskada", "skada på cykel", "stenskott"],
    "street": None,  # STREETS
    "traffic": ["sänkt hastighet", "övergångsställe", "farthinder", "gatubelysning", "cykelbana"],
    "utility": ["fjärrvärmeledning", "vattenledning", "fiberkabel", "dagvattenledning"],
    "association": ASSOCIATIONS,
    "event": ["sommarfestival", "julmarknad", "konstutställning", "musikfestival", "barnteater", "hembygdsdag"],
    "venue": ["sporthallen", "kulturhuset", "simhallen", "konstgräsplanen", "föreningslokalen"],
    "incident": ["brand i byggnad", "trafikolycka", "utsläpp av farligt ämne", "brand i fordon"],
    "lake": ["Viskan", "Lygnern", "Mjörn", "Stora Hålsjön", "Öresjö", "Sävelången"],
    "month": ["april", "augusti"],
    "board": ["Kommunstyrelsen", "Socialnämnden", "Barn- och utbildningsnämnden", "Bygg- och miljönämnden",
              "Tekniska nämnden", "Kultur- och fritidsnämnden", "Valnämnden", "Överförmyndarnämnden"],
    "party": PARTIES,
    "authority": AUTHORITIES,
    "company": COMPANIES,
}

# Document descriptions by direction.
DESCRIPTIONS = {
    "incoming": ["Ansökan", "Ansökan med bilagor", "Komplettering", "Yttrande", "Skrivelse", "Remiss",
                 "Överklagande", "Anmälan", "Synpunkter", "Begäran om anstånd", "Ritningar", "Situationsplan",
                 "Fullmakt", "Kontrollplan", "Anbud", "Faktura", "Kvittens", "Underlag", "Intyg", "Rapport"],
    "drawn_up": ["Tjänsteskrivelse", "Beslut", "Protokollsutdrag", "Delegationsbeslut", "Tjänsteanteckning",
                 "Utredning", "Förslag till beslut", "Minnesanteckningar", "Inspektionsrapport", "Kommunicering"],
    "outgoing": ["Underrättelse", "Begäran om komplettering", "Beslut", "Mottagningsbevis", "Remissvar",
                 "Yttrande", "Föreläggande", "Delgivning", "Svar på skrivelse", "Kallelse"],
    "internal": ["Internt PM", "Minnesanteckning", "Arbetsmaterial", "Intern remiss"],
}

# A document's type from its description (the organisation's document types).
DOCUMENT_TYPES = ["Ansökan", "Anmälan", "Beslut", "Yttrande", "Skrivelse", "Protokollsutdrag", "Tjänsteskrivelse",
                  "Remiss", "Avtal", "Faktura", "Överklagande", "Underrättelse", "Begäran om komplettering",
                  "Rapport", "Kvittens", "Utredning"]

# A KLASSA-style scheme: (code, title) of areas, process groups and processes; each topic
# group of titles is classified under one of the processes listed for it.
SCHEME = [
    ("1", "Styra verksamheten"), ("1.1", "Planera och följa upp"), ("1.1.1", "Ta fram budget och verksamhetsplan"),
    ("1.1.2", "Följa upp verksamheten"), ("1.2", "Styrande dokument"), ("1.2.1", "Ta fram styrande dokument"),
    ("1.3", "Politisk organisation"), ("1.3.1", "Hantera val och förtroendeuppdrag"),
    ("1.3.2", "Hantera motioner och medborgarförslag"),
    ("2", "Stödja verksamheten"), ("2.1", "Upphandla och avtala"), ("2.1.1", "Genomföra upphandling"),
    ("2.1.2", "Teckna och förvalta avtal"), ("2.2", "Informationshantering"),
    ("2.2.1", "Hantera begäran om allmän handling"), ("2.3", "Yttra sig"), ("2.3.1", "Besvara remisser"),
    ("3", "Samhällsbyggnad"), ("3.1", "Planera mark och bebyggelse"), ("3.1.1", "Ta fram detaljplan"),
    ("3.1.2", "Pröva bygglov och förhandsbesked"), ("3.1.3", "Pröva strandskyddsdispens"),
    ("3.2", "Miljö- och hälsoskydd"), ("3.2.1", "Bedriva tillsyn enligt miljöbalken"),
    ("3.2.2", "Bedriva livsmedelskontroll"), ("3.3", "Gata och trafik"), ("3.3.1", "Upplåta allmän plats"),
    ("3.3.2", "Meddela trafikföreskrifter"), ("3.3.3", "Hantera skadeanmälningar"),
    ("4", "Utbildning"), ("4.1", "Skolväsende"), ("4.1.1", "Besluta om skolskjuts och mottagande"),
    ("4.1.2", "Utreda kränkande behandling"), ("4.1.3", "Godkänna enskilda huvudmän"),
    ("5", "Vård och omsorg"), ("5.1", "Individ- och familjeomsorg"), ("5.1.1", "Utreda och besluta om bistånd"),
    ("5.1.2", "Hantera lex Sarah"), ("5.2", "Tillstånd"), ("5.2.1", "Pröva serveringstillstånd"),
    ("5.3", "Överförmyndare"), ("5.3.1", "Utöva tillsyn över ställföreträdare"),
    ("6", "Kultur och fritid"), ("6.1", "Bidrag och uthyrning"), ("6.1.1", "Pröva föreningsbidrag"),
    ("7", "Skydd mot olyckor"), ("7.1", "Tillsyn och tillstånd"), ("7.1.1", "Tillsyn enligt LSO"),
    ("7.1.2", "Pröva tillstånd för brandfarlig vara"), ("7.2", "Olycksundersökning"),
    ("7.2.1", "Undersöka olyckor"),
]

# The process each topic group's cases are classified in (a few per group).
PROCESSES = {
    "council": ["1.3.1", "1.3.2", "1.1.2"], "executive": ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2", "2.3.1",
                                                          "3.1.1", "2.2.1"],
    "building": ["3.1.2", "3.1.3", "3.2.1", "3.2.2"], "social": ["5.1.1", "5.1.2", "5.2.1", "2.2.1"],
    "school": ["4.1.1", "4.1.2", "4.1.3", "2.1.1"], "technical": ["3.3.1", "3.3.2", "3.3.3", "2.1.1"],
    "culture": ["6.1.1", "1.3.2"], "guardian": ["5.3.1"], "election": ["1.3.1"], "housing": ["2.1.1", "2.1.2"],
    "federation": ["1.1.1", "1.1.2", "2.1.1", "2.3.1"], "rescue": ["7.1.1", "7.1.2", "7.2.1", "2.3.1"],
}

STAFF_TITLES = ["Handläggare", "Utredare", "Bygglovshandläggare", "Miljöinspektör", "Socialsekreterare",
                "Nämndsekreterare", "Kommunsekreterare", "Planarkitekt", "Upphandlare", "Controller",
                "Trafikingenjör", "Skolhandläggare", "Brandinspektör"]
