"""The phrases around an identifier, written as regular-expression alternatives: titles,
relationships, roles, the words that end or follow the name of a place, the words that introduce
a record number, named days, weekdays, care providers and street words; and the shape of a
capitalised word and of a name."""

from __future__ import annotations

TITLES = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Revd|Rev|Reverend|Sister|Nurse|Matron|Sir|Dame"
    r"|Lady|Lord|Aunty|Auntie|Aunt|Uncle|Nana|Nanna|Grandad|Grandma|Father|Fr|Imam|Rabbi|Pastor"
    r"|Cllr|Councillor"
)
RELATIONSHIPS = (
    r"brother|sister|mum|mom|mam|mother|dad|father|parents?|aunt|auntie|aunty|uncle|niece|nephew"
    r"|cousin|son|daughter|partner|husband|wife|fiance|fiancee|boyfriend|girlfriend|friend"
    r"|neighbour|neighbor|stepfather|stepmother|step-?dad|step-?mum|step-?brother|step-?sister"
    r"|half-?brother|half-?sister|twin(?:[ ]brother|[ ]sister)?|grandmother|grandfather|grandson"
    r"|granddaughter|gran|nan|nana|grandma|grandad|godmother|godfather|guardian|foster[ ]carer"
    r"|carer|advocate|appointee|deputy|next[ ]of[ ]kin|best[ ]friend|sibling|in-law"
    r"|brother-in-law|sister-in-law|mother-in-law|father-in-law"
)
ROLES = (
    r"(?:staff|community|district|practice|specialist|liaison|learning[ ]disability(?:[ ]liaison)?"
    r"|epilepsy|mental[ ]health|school|ward|charge|student|agency|bank|lead|senior|night|day"
    r"|registered|hospital|acute)?[ ]?"
    r"(?:nurse|sister|matron|manager|carer|worker|assistant|therapist|officer|coordinator"
    r"|co-ordinator|consultant|registrar|doctor|gp|surgeon|anaesthetist|physician|psychiatrist"
    r"|psychologist|paramedic|dietitian|dietician|physio|physiotherapist|salt|ot|hca|teacher"
    r"|headteacher|keyworker|key[ ]worker|advocate|chaplain|receptionist|pharmacist|midwife"
    r"|health[ ]visitor|team[ ]leader|leader|lead|deputy|reviewer|practitioner|clinician|sho|fy1"
    r"|fy2|houseman|owner|director|senco|tutor|volunteer|befriender|driver|cook|caretaker"
    r"|home[ ]manager|shift[ ]leader|care[ ]assistant|support[ ]worker|social[ ]worker"
    r"|care[ ]coordinator|care[ ]manager|case[ ]manager|healthcare[ ]assistant"
    r"|occupational[ ]therapist|speech[ ]and[ ]language[ ]therapist|shared[ ]lives[ ]carer"
    r"|registered[ ]manager|deputy[ ]manager|team[ ]manager|service[ ]manager)"
)
# Any word for a person: a title, a relationship or a role.
PERSON_CUES = rf"{TITLES}|{RELATIONSHIPS}|{ROLES}"
# Words in lower case that follow a name which is the name of a place, not a person: "Birch
# Wood special school", "the Hollies day service", "Cedar Court supported living".
PLACE_NOUNS = (
    r"(?:care|nursing|residential|group|children's|respite)[ ]home|supported[ ]living"
    r"|supported[ ]housing|extra[ ]care|day[ ](?:centre|center|service|services|opportunities)"
    r"|resource[ ]centre|special[ ]school|school|academy|college|nursery|hospital|hospice"
    r"|surgery|practice|medical[ ]centre|health[ ]centre|clinic|ward|unit|factory|bakery"
    r"|garden[ ]centre|farm|shop|caf[eé]|pub|club|church|mosque|temple|gurdwara|chapel|hostel"
    r"|flats|estate|placement|residence|house"
)
# Capitalised words ending the name of a place ("Rosewood House", "Beacon Day Centre").
PLACE_WORDS = (
    r"(?:Care|Nursing|Residential|Respite)[ ]Home|House|Lodge|Court|Grange|Manor|Hall|Mansion"
    r"|Cottage|Cottages|Villa|Villas|View|Bank|Mews|Towers|Heights|Hospital|Infirmary|Hospice"
    r"|(?:Medical|Health|Day|Resource|Community|Respite|Garden|Leisure|Sports|Family)[ ]Centre"
    r"|Day[ ]Services?|Surgery|Practice|Clinic|School|Academy|College|University|Nursery"
    r"|Hub|Club|Caf[eé]|Bakery|Farm(?:[ ]Shop)?|Church|Chapel|Mosque|Temple|Gurdwara|Synagogue"
    r"|Hostel|Ward|Unit|Park|Centre|Center|Healthcare|Care|Homes|Housing|Housing[ ]Association"
    r"|Association|Trust|Foundation|Charity|Society|Project|Workshop|Workshops|Allotments?"
    r"|Library|Stables|Laundry|Supermarket|Store|Stores|Garage|Depot|Warehouse|Works|Mill"
    r"|Ltd|Limited|PLC|plc|LLP|CIC|Group|Partnership|Primary|Infants|Juniors|High|Sixth[ ]Form"
    r"|Supported[ ]Living|Residential|Nursing|Estate"
)
# Words that introduce a record number: "Hospital number RWE-1234567", "MRN: 40123456".
RECORD_CUES = (
    r"(?:hospital|hosp|unit|patient|case|client|service[ ]user|person|PAS|RiO|Rio|Mosaic|EMIS"
    r"|SystmOne|S1|Liquid[ ]?Logic|LAS|CHI|NI|record|records|file|reference|ref|referral|crime"
    r"|incident|Datix|ID|MRN|URN|K|X)[ ]*(?:number|no\.?|num|ID|ref(?:erence)?|#)?[ ]*[:.#]?"
)
NAMED_DAYS = (
    r"Christmas[ ]Day|Christmas[ ]Eve|Boxing[ ]Day|New[ ]Year'?s[ ](?:Day|Eve)|Easter"
    r"[ ](?:Sunday|Monday|Saturday|Day)|Good[ ]Friday|Maundy[ ]Thursday|Shrove[ ]Tuesday"
    r"|Pancake[ ]Day|Ash[ ]Wednesday|Mothering[ ]Sunday|Mother'?s[ ]Day|Father'?s[ ]Day"
    r"|Valentine'?s[ ]Day|St[ ]Valentine'?s[ ]Day|Halloween|Hallowe'en|Bonfire[ ]Night"
    r"|Guy[ ]Fawkes[ ]Night|Remembrance[ ](?:Sunday|Day)|Armistice[ ]Day|Burns[ ]Night"
    r"|St[ ](?:Patrick|George|Andrew|David)'?s[ ]Day|Hogmanay|(?:Early[ ]May|Spring|Summer)"
    r"[ ]Bank[ ]Holiday(?:[ ]Monday)?|Bank[ ]Holiday[ ]Monday|Eid(?:[ ]al-(?:Fitr|Adha))?"
    r"|Diwali|Vaisakhi|Hanukkah|Yom[ ]Kippur|Chinese[ ]New[ ]Year|Lunar[ ]New[ ]Year"
)
# Festivals that name a date only with their year: "Christmas 2023", "Easter 2021".
FESTIVALS_WITH_YEAR = r"Christmas|Easter|Whitsun|Ramadan|Diwali|Eid|Hanukkah|Passover|Halloween"
WEEKDAYS = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thur?s?|Fri|Sat|Sun"
)
STREET_WORDS = (
    r"Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Cl|Drive|Dr|Crescent|Cres|Way|Gate|Grove"
    r"|Terrace|Rise|Place|Square|Mews|Gardens|Parade|Walk|Row|Hill|Vale|Green|Court|Boulevard"
)
# Care providers and charities of people with a learning disability, which name where a person
# lived or spent their days; written with capitals, inside a sentence.
PROVIDERS = (
    r"Mencap|Dimensions|Voyage[ ]Care|Exemplar[ ]Health[ ]?[Cc]are|Priory|Cygnet|Lifeways"
    r"|Achieve[ ]Together|Turning[ ]Point|Avenues|Choice[ ]Support|Hft|MacIntyre|Certitude"
    r"|Sense|Scope|Leonard[ ]Cheshire|United[ ]Response|Milestones[ ]Trust|Brandon[ ]Trust"
    r"|Real[ ]Life[ ]Options|Consensus|National[ ]Autistic[ ]Society|L'Arche|Camphill|Salutem"
    r"|Mcch|Affinity[ ]Trust|Thera|Aspire|Keyring|KeyRing|Shaw[ ]Trust|Walsingham|Alternative"
    r"[ ]Futures|Reach[ ]Out|Outlook[ ]Care|Community[ ]Integrated[ ]Care|Care[ ]UK|HC-One"
    r"|Barchester|Four[ ]Seasons|Bupa|Anchor|Sanctuary|Octavia|Housing[ ]21"
)

NAME_WORD = (
    r"(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*|[A-Z]'[A-Z][a-z]+|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+)"
)
# A name: one to three capitalised words, or initials then a surname ("J. Smith", "JB Okoro").
NAME = rf"(?:(?:[A-Z]\.?[ ]?){{1,2}}[ ]?{NAME_WORD}|{NAME_WORD}(?:[ ]{NAME_WORD}){{0,2}})"
