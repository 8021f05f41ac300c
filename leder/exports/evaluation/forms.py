"""The second development part of the evaluation corpus: the forms identifiers take.

Written for ADR 0043, after the first round of rules (ADR 0040), to push them on what the held-out
figures suggested generalises badly, without reading the held-out text: names in lower case and
in capitals, possessives, names no list knows standing without a title or relationship, initials
in every form ("J.", "J.S.", "JS", "J S"), and organisations and places written with the suffixes
they really carry (Ltd, Primary, High, Sixth Form, Leisure Centre, Library, Housing Association,
Supported Living), in the voice of e-mails, panel minutes and carers' notes. Its people and places
are its own (none is in the other two parts). It is iterated on, like the development part; its
figures are not an estimate of anything.
"""

from leder.exports.evaluation.narratives import Part, Pools

TEMPLATES = (
    "From the panel minutes: {person} lived at {care_home} from 2016. {possessive} keyworker "
    "there described him as sociable; {relative_lower} visited most Sundays.",
    "E-mail from {caps_titled} to the reviewer on {date}: the family want {person} remembered "
    "for his singing. {bare} was copied in.",
    "{bare} rang the team at 10:30. She had been {possessive} support worker for nine years "
    "and said the move to {care_home} was rushed.",
    "Carer's notes, {date}: {any_initials} unsettled overnight, PRN {drug} given at 02:00. "
    "{any_initials} informed in the morning.",
    "{relative_lower} told us that {person} used to help out at {employer} on Tuesdays and "
    "went swimming at {day_centre}.",
    "The annual health check was booked at {gp}, but {any_initials} (practice nurse) noted "
    "that no easy-read invitation was sent.",
    "Attended {school} until sixteen, then {school}. {bare} from the transition team said the "
    "handover to adult services took {duration}.",
    "Admitted to {ward} at {hospital} with aspiration pneumonia ({icd}). {caps_titled} "
    "reviewed on the post-take ward round; NEWS2 {score}.",
    "Best interests meeting held at {day_centre} on {date}: present were {bare}, "
    "{relative_lower} and the community nurse.",
    "{person} had lived in an out-of-area placement at {care_home} since {named_day}; the "
    "commissioning team at home had not visited for {duration}.",
    "{possessive} sister described how he loved bus trips to {employer} and the library; "
    "{bare} agreed.",
    "Learning ({theme}): staff at {care_home} did not know how {any_initials} showed pain. "
    "{bare} has since written a pain profile.",
    "Safeguarding alert raised by {bare} ({record_number}) after {relative_lower} found "
    "bruising on {date}.",
    "{person_initials} was detained under section 3 at {hospital} ({ward}); the ward "
    "manager, {bare}, said reasonable adjustments were made.",
    "Notes of a call with {caps_name} on {date}: worked at {employer} for six years; "
    "lived in a flat on {street}.",
    "Concern ({theme}): {gp} did not act on the weight loss ({score}) reported by {bare} "
    "of {employer}.",
    "{bare} and {bare} from {day_centre} both said {person} was happiest outdoors. "
    "{relative_lower} agreed.",
    "Sepsis: observations at {care_home} were {score} on {date}; the 111 call handler was "
    "told by {bare} that she was 'just tired'.",
    "The medication review by {any_initials} at {gp} on {date} stopped {drug} after {duration}.",
    "Good practice ({theme}): {possessive} communication passport travelled with him to "
    "{hospital}, thanks to {bare} at {care_home}.",
    "Cause of death: 1a {icd}. Certified by {caps_titled}. Coroner not informed. DOB {dob}.",
    "{relative_lower} (tel. {phone}) said {person} was bullied at {school} and never "
    "trusted new staff after that.",
    "Pen portrait: {person}, {person_nickname}, loved Motown, bingo and his trips to "
    "{employer}. At {day_centre} he was {nickname}.",
    "Family ({theme}): {possessive} mum, who was {nickname}, asked that the review use the "
    "name he chose; {bare} agreed.",
    "Staff at {care_home} called him {nickname}; {bare} said he worked at {employer} until "
    "{named_day}.",
)

POOLS = Pools.of(
    given_names="""
        Tendai; Rumbidzai; Nkechi; Kofi; Siddharth; Harpreet; Bogdan; Saoirse; Niamh; Aoife;
        Tadhg; Dafydd; Gethin; Eluned; Ikram; Shazia; Zubair; Thandiwe; Lwazi; Kemi; Bisi;
        Tunde; Oksana; Mirela; Florin; Jodie; Lindsey; Terence; Maureen; Barry; Sunita;
        Parminder; Efua; Yaw; Chinedu; Ifeoma; Gwen; Hamish; Morag; Uzma
    """,
    family_names="""
        Okafor; Mahmood; Szymanski; Moyo; Ndlovu; Rahman; Khan; Griffiths; Pryce; Jones-Evans;
        Mistry; Lungu; Popescu; Kelly; Doherty; Bains; Gill; Atkinson; Fairbrother; Oyelaran;
        McKenzie; Haworth; Petrov; Agyeman; Quigley; Bhatti; Sutcliffe; Olaniyan
    """,
    nicknames="Tigger; Smudge; Pops; Bee; Dinky; Mac; Sonny; Nanny Jo",
    nickname_phrases="""
        known as {}; called {}; known to all as {}; {} to his mates; better known as {};
        his nickname was {}; '{}' to everyone at the day centre; we all called him {};
        {}, as the family called him; answered only to {}; pet name {}
    """,
    titles="Mr; Mrs; Ms; Dr; Miss; Nurse; Sister",
    relationships="""
        sister; brother; mum; dad; mother; father; stepdad; auntie; uncle; grandad; nan;
        cousin; nephew; partner; girlfriend; best friend; neighbour; advocate
    """,
    roles="""
        Support worker; Keyworker; Social worker; Team leader; Practice nurse; Community nurse;
        Activities coordinator; Day centre manager; Care coordinator; Speech and language
        therapist; Registered manager
    """,
    streets="""
        Gipsy Lane; Saffron Road; Cherry Tree Avenue; Welland Close; Harcourt Street; Kingsway
        North; Sycamore Rise; Bede Crescent; Langton Walk; Hollybush Row
    """,
    towns="Wigston; Market Harborough; Lutterworth; Syston; Ashby; Shepshed",
    postcode_areas="LE; CV; NN; B",
    record_numbers="""
        hospital no. #######; MRN ########; NHS trust number RX#######; LA ref ######;
        unit no. A######; Liquidlogic ID ########; client ref ######
    """,
    ni_phrases=("NI number ", "National Insurance no. "),
    named_days="""
        Boxing Day {year}; Christmas {year}; Easter Monday {year}; New Year's Day {year};
        Mother's Day {year}; Bonfire Night
    """,
    care_homes="""
        Elmhurst| nursing home; The Poplars; Kingsley Court Nursing Home; Orchard View|
        supported living; Larkspur House; Brightwater Supported Living; Fernleigh Residential
        Home; Copperbeech Lodge
    """,
    wards="""
        Ward 5; ward 18; Ward 2C; Cedar Ward; Beech ward; the Bennett Unit; Ward A4
    """,
    hospitals="""
        Royal Stoke University Hospital; Sandwell General Hospital; Walsall Manor Hospital;
        St Andrew's Healthcare; Birmingham Heartlands Hospital; Northampton General Hospital
    """,
    schools="""
        Greenfields Primary School; Parkside High School; Millgate School; St Anne's C of E
        Junior School; Castle Mead Academy; Ashfield Sixth Form College
    """,
    day_centres="""
        Cornerstone Hub; Pathways Centre; Abbey Park Leisure Centre; Braunstone Library;
        Hope Works| day opportunities; Redhill Allotments
    """,
    employers="""
        Ellis & Sons Ltd; Greggs| bakery in town; Riverside Garden Centre; Kwik
        Clean Laundry; Hilltop Housing Association; Fernbank Stables; Morrisons| supermarket
    """,
    gp_practices="Ivy Grove Surgery; The Manor Practice; Westcotes Medical Centre",
    drugs="""
        sodium valproate 400 mg BD; buccal midazolam 10 mg; Movicol 2 sachets; clobazam 10 mg;
        lansoprazole 30 mg OD; Fortisip 1 bottle; diazepam 5 mg PRN; Epilim 200 mg
    """,
    scores="""
        NEWS2 5; SpO2 88% on air; 4 kg; BMI 16.9; RR 26; GCS 12/15; temperature 38.9; HR 124
    """,
    durations="4 days; 2/7; three weeks; 6/52; 72 hours; nine months",
    icd_codes="J69.0; G40.9; Q90.9; K56.6; A41.9; E84.0",
    organisation_types="""
        GP practice; community learning disability team; acute trust; local authority;
        ambulance service; integrated care board
    """,
    themes="""
        Annual health checks; Communication; Reasonable adjustments; Out-of-area placements;
        Family involvement; Sepsis; Diagnostic overshadowing; Epilepsy
    """,
)

PART = Part(name="forms", templates=TEMPLATES, pools=POOLS)
