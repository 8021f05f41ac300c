"""The held-out part of the evaluation corpus: never read while the detection rules were tuned.

Written at the same time as the development part, before any pattern was changed for issue 13,
with its own templates (a terser, note-taking voice, as in many timelines), its own people and
places, and its own words around them (other relationships, roles, named days and formats of
record numbers), so that its figures estimate how the rules do on text they were not shaped by.
"""

from leder.exports.evaluation.narratives import Part, Pools

TEMPLATES = (
    "Pen portrait: {person} ({person_nickname}) lived at {person_address} with {relative}. "
    "Loved Bollywood films, cooking with {relative} and Saturday trips to {employer}.",
    "{person} attended {school} until 2009. {bare}, his teacher there, remembered him as kind "
    "and stubborn in equal measure.",
    "Lived in {care_home} for 14 years. Moved out of area to {care_home} on {date} because no "
    "local placement could be found. Family ({relative}) visited weekly.",
    "Spoke with {relative} by phone on {date} ({phone}). Also spoke with {role} and with "
    "{titled}, who had known {person} since {named_day}.",
    "{person_initials} - PMLD, Down's syndrome ({icd}), hypothyroidism. Fed via PEG. "
    "{drug}; {drug}.",
    "Hx: {date} admitted {hospital}, {ward}, aspiration pneumonia. Discharged {date} on "
    "{drug} for {duration}. Follow-up by {role} did not happen.",
    "{named_day} - collapsed at {day_centre}. 999 called by {bare}. Ambulance wait {duration}.",
    "Records: GP record from {gp} received {date}; notes from {hospital} (ref {record_number}) "
    "received {date}; social care notes ({record_number}) not received.",
    "Annual health check not done for {duration}; practice nurse {bare} said the invitation "
    "letter went to {address}, {postcode}, an old address.",
    "MCA/best interests: {role} assessed capacity re: hospital admission on {date}. {relative} "
    "not consulted. {titled} (consultant) made the decision alone.",
    'DNACPR completed {date} by {titled}. Reason recorded: "severe LD". Family ({relative}, '
    "{email}) not involved. Later rescinded.",
    "Safeguarding: raised by {titled} on {named_day} about bruising; closed by the {org_type}. "
    "Client number {record_number}.",
    "ID documents in the file included her passport and NI card ({ni_number}); these should "
    "not have been copied to the review. Contact {relative} via {phone}.",
    "{person} died {dod} at {hospital}. DOB {dob}, NHS {person_nhs}. Notified by {notifier} "
    "({notifier_phone}).",
    "Constipation: bowels not opened for {duration} per chart at {care_home}; {drug} given. "
    "{titled} was not informed. Admitted {date}.",
    "Epilepsy: seizure diary kept by {relative}; {score} seizures a month. Rescue medication "
    "({drug}) was not carried on trips to {day_centre}.",
    "Good practice ({theme}): the hospital LD team ({bare}) attended every ward round on "
    "{ward}; {nickname}'s likes and dislikes were on the wall.",
    "Improvement ({theme}): referral to the {org_type} sent {date} but lost; re-sent by "
    "{role} after {relative} complained.",
    "Concern ({theme}): reasonable adjustments not made at {hospital}; {relative} was asked to "
    "wait outside on {named_day}.",
    "Panel: please write to {titled} at {employer}, {address}, about the finding. "
    "{person_initials}'s family agree to sharing.",
    "Carer's assessment for {relative} (NI {ni_number}) outstanding since {date}. {role} "
    "has been chasing.",
    "Transport to {school} was arranged by {bare} every morning; lived on {street} for most of "
    "his childhood.",
)

POOLS = Pools.of(
    given_names="""
        Ignatius; Precious; Jaswinder; Bartosz; Eilidh; Ffion; Mehmet; Ngozi; Carol; Lee;
        Farhana; Declan; Shona; Adaeze; Zainab; Craig; Marcia; Duc; Sinead; Olumide; Brenda;
        Rajesh; Tanisha; Graham; Yasmin; Paulo
    """,
    family_names="""
        Pemberton; Achterberg; Dhillon; Kowalczyk; MacLeod; Ap Gwilym; Yilmaz; Eze; Robinson;
        Shah; Gallagher; Nguyen; Campbell-Reid; Obi; Hussain; Bradshaw; Da Silva; Lindqvist;
        Thornton; Osei
    """,
    nicknames="Precious; Sparky; Lulu; Duke; Bev; Kaka; Smiler; Junior",
    nickname_phrases="""
        always {}; called {} by the family; who everyone knew as {}; {} to his mates; known as
        '{}'
    """,
    titles="Mr; Mrs; Dr; Ms; Prof; Revd; Mx; Aunty",
    relationships="""
        sister; brother; mother; father; grandmother; twin brother; half-sister; foster carer;
        step-mum; auntie; godmother; husband; wife; friend
    """,
    roles="""
        Healthcare assistant; Ward sister; Practice nurse; Registered manager; Advocate;
        Occupational therapist; Epilepsy nurse; Care coordinator; Shared lives carer; Dietitian;
        Paramedic
    """,
    streets="""
        Granby Street; Melton Road; Hamilton Crescent; Swan Lane; Kingfisher Way; Ashby Road;
        Beacon Rise; Orchard Close; Park Hill Drive; Sandringham Avenue
    """,
    towns="Nottingham; Derby; Mansfield; Newark; Ilkeston; Worksop",
    postcode_areas="NG; DE; S; LN; DN",
    record_numbers="""
        K#######; hosp no #######; MRN ########; no. RX1-######; SystmOne ID #########; LAS
        ########; CHI ##########
    """,
    ni_phrases=("", "NI: ", "nat. ins. no. "),
    named_days="""
        Christmas Day {year}; Boxing Day; Good Friday {year}; Mothering Sunday {year}; Easter
        Monday; Halloween {year}; New Year's Eve
    """,
    care_homes="""
        Sycamore House| nursing home; Lavender Lodge; Holly Bank Care Home; The Beeches
        Residential Home; Meadowview| supported living; Ashgrove Court
    """,
    wards="Ward 12; ward 4a; Lister Ward; Kingfisher ward; Ward B3",
    hospitals="""
        Nottingham City Hospital; King's Mill Hospital; Royal Derby Hospital; Bassetlaw
        Hospital; Lincoln County Hospital
    """,
    schools="""
        Fountaindale School; Rosehill School; St Giles Academy; Oak Field School; West Notts
        College
    """,
    day_centres="""
        the Maples| day centre; Brook Street Day Centre; Ravensdale Resource Centre; Sherwood
        Community Hub
    """,
    employers="""
        Boots in Beeston; Sherwood Pines Café; Hilltop Farm Shop; Clumber Park; Oxfam on
        Mansfield Road
    """,
    gp_practices="Radford Health Centre; Bulwell Surgery; Arnold Medical Practice",
    drugs="""
        buccal midazolam 10 mg; carbamazepine 200 mg BD; levothyroxine 100 mcg OD; omeprazole 20
        mg; Laxido 2 sachets; quetiapine 25 mg nocte; co-amoxiclav IV
    """,
    scores="4-5; NEWS 7; 3; GCS 13; RR 28; BP 90/60; Waterlow 20; MRC 3/5",
    durations="10 days; 7/7; four hours; 1/52; three years; over 24 hours",
    icd_codes="Q90.0; E03.9; J18.9; G40.3; K56.4; R13",
    organisation_types="""
        CCG; ICB; trust; community team; Ambulance Service; council; primary care network; CLDT
    """,
    themes="""
        Care coordination; Medication and STOMP; Access to screening; Delays in diagnosis or
        treatment; Epilepsy; Reasonable adjustments; Family involvement; Constipation
    """,
)

PART = Part(name="held_out", templates=TEMPLATES, pools=POOLS)
