"""The development part of the evaluation corpus: the part the detection rules were iterated on.

Written before any pattern was changed for issue 13 (see the package docstring). The templates
follow the review's sections: the pen portrait, the timeline of care, the structured questions
and the learning, in the voice reviewers use.
"""

from leder.exports.evaluation.narratives import Part, Pools

TEMPLATES = (
    # Pen portrait.
    "{person} was a much loved daughter, sister and aunt, {person_nickname}. She lived with her "
    "{relative} at {person_address}, {town} {person_postcode} until she moved to {care_home} in "
    "{named_day}.",
    "{person} was born on {dob} and grew up in {town}. He went to {school} and then to "
    '{day_centre} three days a week, where {role} said he was "the life and soul of the place".',
    "Everyone who knew {person} talked about her laugh. Her {relative} told me she loved Elvis, "
    "bus rides and the pantomime every year with {titled}.",
    "{person} worked for eleven years at {employer}, and was proud of it. His {relative} still "
    "has the certificate from his long-service award.",
    "{person} had a moderate learning disability and epilepsy ({icd}). She communicated with a "
    "few words and Makaton, and {role} had written a communication passport for her.",
    "Known to everyone as {nickname}, {person} liked routine: tea at four, Emmerdale at seven. "
    "{bare} from the supported living team said change upset him for days.",
    # Family and contacts.
    "I met {relative} on {date} at the family home on {street}. She asked that her brother be "
    "remembered as a person and not a diagnosis.",
    "The notifier, {notifier}, can be contacted on {notifier_phone}. {person}'s {relative} "
    "({phone}, {email}) also wished to contribute.",
    "A letter was sent to {titled} at {address}, {town} {postcode} inviting the family to take "
    "part. No reply was received, so I rang on {date}.",
    '{relative} said that {person} had been "let down at every turn" and that {titled} on the '
    'ward "was the only one who listened".',
    # Timeline of care.
    "{date}: seen by the GP at {gp} for constipation; prescribed {drug} for {duration}. Bristol "
    "stool chart not completed by {care_home} staff.",
    "On {date} {person} was admitted to {hospital} via the Emergency Department with a NEWS2 "
    "score of {score}. Hospital number {record_number} was recorded on the referral.",
    "{named_day}: {person} fell at the day service and was taken to A&E. The learning disability "
    "liaison nurse, {bare}, was not told until the following week.",
    "She was moved to {ward} at {hospital} on {date}. {role} documented that {person} was "
    "refusing food; SALT were not asked to see her for {duration}.",
    "At {hospital} the anaesthetist, {titled}, discussed a DNACPR decision with {relative} on "
    "{date}. Learning disability was not given as a reason.",
    "The community nurse visited {person_address} on {date}. Blood pressure 128/84, {score}. "
    "{person_initials} was drowsy and {drug} was withheld.",
    "{dod}: {person} died on {ward} at {hospital}. Cause of death: 1a aspiration pneumonia "
    "({icd}), 2 cerebral palsy.",
    "The discharge summary dated {date} gives NHS number {nhs_number} and {record_number}; the "
    "NHS number is not the person's, and belonged to another patient.",
    "A safeguarding concern was raised by {role} on {date} and passed to the local authority "
    "under {record_number}.",
    "Between {date} and {date}, {person} was seen six times by the {org_type}; each time the "
    'plan was to "watch and wait".',
    # Structured questions.
    "Annual health check: completed at {gp} on {date}, but no health action plan was written. "
    "{relative} was not invited.",
    "Mental Capacity Act: a capacity assessment for the PEG decision was recorded by {role} on "
    "{date}; the best-interests meeting included {relative} and {bare}.",
    'DNACPR: the form was completed at {hospital} on {named_day} with the reason "{drug}" '
    "written in the wrong box; {titled} later corrected it.",
    "Reasonable adjustments: the reasonable adjustment flag was not set. {person}'s hospital "
    "passport was left at {care_home} and not sent with her.",
    "Medication review: {drug} and {drug} (STOMP) were last reviewed by {titled} at {gp}. "
    "Polypharmacy was noted; weight {score}.",
    "Dysphagia: SALT assessed {person_initials} at {day_centre} and recommended level 4 "
    "puréed diet; {care_home} staff were not trained until {date}.",
    "Benefits and finances were managed by the {org_type}; his National Insurance number, "
    "{ni_number}, appeared on the care plan sent to {bare}.",
    "Transitions: {person} moved from {school} to adult services at 19. The transition plan was "
    "written by {role} and held at {address}.",
    # Learning.
    "Good practice ({theme}): {role} at {care_home} used a picture timetable and knew "
    "{person}'s signs of pain. {relative} praised the team.",
    "Area for improvement ({theme}): the {org_type} did not follow up the abnormal bloods from "
    "{date}; {titled} told me the result was filed without action.",
    "Concern ({theme}): diagnostic overshadowing. Staff at {employer} and {day_centre} reported "
    "weight loss of {score}, but it was put down to his autism.",
    "Learning ({theme}): {ward} did not have a learning disability champion; staff nurse "
    "{bare} said she had had no training since {date}.",
    "Good practice ({theme}): {nickname}'s {relative} was kept informed daily by {titled}, "
    "who rang {phone} every evening.",
    "Concern ({theme}): sepsis was not recognised for {duration}. Observations at {care_home} "
    "were {score}, and the GP, {titled}, was not called until {date}.",
    "Recommendation to the panel ({theme}): share this review with {hospital} and the "
    "{org_type}. Contact {email} for the action plan.",
    "{person_initials}'s {relative} asked that the learning be shared with {school} where "
    "{person} was a pupil, and with {employer}.",
)

POOLS = Pools.of(
    given_names="""
        Marguerite; Tobias; Priya; Funmi; Dean; Siobhan; Kwame; Aisha; Gary; Lorraine; Tomasz;
        Agnieszka; Callum; Bethany; Imran; Nadia; Oluwaseun; Sandra; Kevin; Mei; Rhiannon;
        Abdul; Shanice; Patrick; Yusuf; Hannah; Gurpreet; Darren; Esther; Kieran; Chidi; Leanne;
        Ravi; Joanne; Ahmed; Ellie; Mohammed; Stacey; Wayne; Comfort
    """,
    family_names="""
        Okonkwo-Blythe; Raman; Boateng; Holt; Kaur; Adeyemi; Murphy; Nowak; Begum; Marsh; Price;
        Iqbal; Harlow; Chowdhury; Walsh; Okoro; Taylor; Wiśniewski; Mensah; Patel; Hughes; Ali;
        Jenkins; Lowe; Asante; Fitzpatrick; Sandhu; O'Neill; Whitehead; Nwosu; Smith; Greaves
    """,
    nicknames="""
        Maggie; Tosh; Bunny; Big Dave; Sunny; Mo; Queenie; Bobby; Nana B; Chips; Taz; Bubbles
    """,
    nickname_phrases="""
        known to everyone as {}; who liked to be called {}; ({} to her friends); nicknamed {} at
        school; everyone called him '{}'; known as {}
    """,
    titles="Mrs; Mr; Ms; Miss; Dr; Mrs.; Sister; Nurse",
    relationships="""
        brother; sister; mum; mother; dad; father; aunt; uncle; niece; nephew; cousin; son;
        daughter; partner; best friend; neighbour; stepfather; nan; advocate
    """,
    roles="""
        Staff nurse; Support worker; Social worker; Community nurse; Keyworker; Consultant; Care
        home manager; Learning disability liaison nurse; SALT; Physiotherapist; Team leader;
        Deputy manager; Senior carer
    """,
    streets="""
        Belgrave Gate; Narborough Road; Larch Avenue; Mill Lane; Humberstone Road; Aylestone
        Road; Churchill Close; Meadow Way; Queens Drive; Fosse Road North; St Saviours Road;
        Welford Place; Chestnut Grove; Victoria Terrace
    """,
    towns="Leicester; Loughborough; Melton Mowbray; Oadby; Hinckley; Coalville",
    postcode_areas="LE; NG; DE; CV; NN; PE",
    record_numbers="""
        Hospital number RWE-#######; hospital no. K#######; MRN: ########; unit number ######;
        RiO number ######; Mosaic ID #######; case reference LA/####/###; PAS number A######
    """,
    ni_phrases=("NI number ", "NI no. ", "National Insurance number ", "NINO: "),
    named_days="""
        Christmas Day {year}; Boxing Day {year}; New Year's Eve {year}; New Year's Day; Easter
        Sunday {year}; Christmas Eve; Bonfire Night {year}
    """,
    care_homes="""
        Rosewood House| care home; Rosewood House Care Home; Oak Lodge Nursing Home; The Limes|
        residential home; Cedar Court| supported living; Willowbank House; Bramley Grange Care
        Home; Hawthorn Lodge
    """,
    wards="Ward 7; ward 22; Ward 3B; Primrose Ward; Bluebell Ward; Ward 31",
    hospitals="""
        Leicester Royal Infirmary; Glenfield Hospital; Pilgrim Hospital; Kettering General
        Hospital; St Luke's Hospital; Queen's Medical Centre
    """,
    schools="""
        Ashmount School; St Mary's RC Primary School; Oakfield Academy; Birch Wood| special
        school; Hillside College; Nether Hall School
    """,
    day_centres="""
        Beacon Day Centre; the Hollies| day service; Oakwood Resource Centre; Thurmaston Day
        Services; Gateway Club
    """,
    employers="""
        Hartleys Bakery; Greenacres Garden Centre; the Riverside Café; Fosse Way Farm; Walkers|
        crisp factory; Beaumont Leys Tesco
    """,
    gp_practices="""
        Thistlewood Surgery; Highfields Medical Centre; Charnwood Health Centre; Spinney Hill
        Practice
    """,
    drugs="""
        sodium valproate 500 mg twice daily; lorazepam 1 mg PRN; Movicol 1 sachet; senna 15 mg
        at night; risperidone 0.5 mg; amoxicillin 500 mg TDS; paracetamol 1 g QDS; levetiracetam
        750 mg BD; Lactulose 10 ml
    """,
    scores="""
        7; NEWS2 6; Waterlow 18; MUST 2; GCS 14/15; SpO2 91%; Bristol type 6; 5 kg; BMI 17.5; HR
        118; temperature 38.6
    """,
    durations="3 days; 5/7; two weeks; 2/52; 48 hours; six months; 3/12",
    icd_codes="G40.9; J69.0; K59.0; Q90.9; G80.0; A41.9; F84.0",
    organisation_types="""
        GP practice; community learning disability team; acute trust; ICB; ambulance service;
        local authority; NHS Trust; mental health trust
    """,
    themes="""
        Annual health checks; Reasonable adjustments; Diagnostic overshadowing; Communication;
        Mental Capacity Act; DNACPR; Constipation; Dysphagia and aspiration; Epilepsy; Sepsis;
        Transitions; Family involvement
    """,
)

PART = Part(name="development", templates=TEMPLATES, pools=POOLS)
