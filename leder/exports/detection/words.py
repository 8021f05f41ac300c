"""The word lists detection reads: names that are also English words, capitalised words that
are never a name, eponyms, and the abbreviations written in capitals that are not initials."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also ordinary English words. In the record they are still removed, but only
# where written with a capital letter: "Rose" and "ROSE" go, "her temperature rose" stays.
NAME_WORDS = _words(
    """
    rose mark hope faith grace joy will may june april august bill frank sue dawn amber ruby
    pearl violet holly ivy daisy iris lily heather hazel jasmine summer autumn rich sandy rusty
    penny patience prudence honor honour charity chase hunter baker smith brown white green
    black young king wood hill moss bush long short hall lane bell rice cook cooper carter
    mason parker fisher porter ward page pat guy jack drew art earl dean don gene ray rod wade
    crystal destiny harmony star sky river brook storm miles bob nick care day small little
    wells stone banks field fields park gray grey house home best hart love lamb fox hope
    north south east west march dale glen cliff rock peel may
    kit cat peg nan bud pip ted
    """
)

# Capitalised words that are never a name or the name of a place, whatever a list of first
# names says (Faker's lists hold "Will", "May", "Sister", "Summer"…): the start of a sentence
# and clinical capitals must not become names.
NOT_NAMES = _words(
    """
    The A An And But Or If When While Where Who Whom Whose What Which Why How This That These
    Those There Then Than Thus Also As At By For From In Into Of On Onto Out Over To Under Up
    Upon Via With Within Without After Before Between During Since Until Till Although Though
    Because Despite Each Every All Any Some No Not None Both Either Neither Other Another Such
    He She It They We You I Me Him Her Them Us His Hers Its Their Our Your My Mine Yours Theirs
    Was Were Is Are Be Been Being Had Has Have Do Does Did Can Could Would Should Will Shall May
    Might Must Said Says Told Asked Seen Saw Noted Reported Recorded Documented Admitted
    Discharged Transferred Referred Moved Died Lived Loved Liked Enjoyed Attended Visited Spoke
    Met Rang Called Wrote Sent Received Went Came Had Got Made Took Gave Found Felt Kept Left
    Mon Monday Tue Tues Tuesday Wed Wednesday Thu Thur Thurs Thursday Fri Friday Sat Saturday
    Sun Sunday January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Christmas Easter Boxing Day Eve
    New Year Good Bonfire Night Halloween Mothering Fathers Mothers Valentines Remembrance
    NHS GP GPs ICB ICBs CCG CCGs LeDeR LD PMLD ASD ADHD MCA DoLS DNACPR ReSPECT STOMP SALT PEG
    NEWS NEWS2 GCS BMI BP HR RR SpO2 ECG CT MRI EEG A&E ED AMU ITU ICU HDU CQC PALS CLDT CTLD
    LDA MDT IV PRN OD BD TDS QDS DOB DOD NOK Hx Dx Rx Mr Mrs Ms Dr Miss Sister Nurse Ward
    Hospital Trust Council Service Services Team Unit Centre Center Practice Surgery Home House
    Care Health Medical Mental Learning Disability Disabilities Autism Autistic Down Downs Syndrome
    Act Acts Annual Check Checks Plan Plans Review Reviews Panel Good Concern Concerns Area
    Improvement Learning Recommendation Recommendations Action Actions Theme Themes Family
    Families Mum Dad Mother Father Brother Sister Aunt Uncle Son Daughter Wife Husband Partner
    Friend Friends Staff Carer Carers Support Worker Workers Social Nurse Nurses Doctor Doctors
    Consultant Manager Managers Keyworker Pen Portrait Timeline Records Record Notes Letter
    Safeguarding Dysphagia Constipation Epilepsy Sepsis Transitions Transition Diagnostic
    Overshadowing Reasonable Adjustments Adjustment Communication Medication Medicines Polypharmacy
    Capacity Best Interests Interest Deprivation Liberty Safeguards Emergency Department Ambulance
    Paramedic Paramedics Observations Cause Death Birth Date Discharge Summary Admission Referral
    Yes Unknown Known Not Applicable Please Thanks Thank Dear Regards Kind Hello Hi Dear Today
    Yesterday Tomorrow Morning Afternoon Evening Elvis Makaton Bollywood Emmerdale Coronation
    Foundation Trust Trusts Clinical Commissioning Group Integrated Board Primary Network
    Acute Intensive Assessment Treatment Commission Quality Adults Adult Children Multi
    Disciplinary Multi-Disciplinary Scale Coma Frailty Score Therapy Therapies Therapist
    Occupational Speech Language Palsy Cerebral Scoliosis Resus Outpatients Inpatients Liaison
    Dietetics Physiotherapy Orthopaedics Neurology Cardiology Respiratory Oncology Palliative
    Hospice Continuing Healthcare Partnership Partnerships System Systems Authority Local
    National Institute Excellence Medicines Regulatory Agency Coroner Coroners Inquest Examiner
    Specialist Commissioner Commissioners Provider Providers Directorate Division Department
    Street Road Lane Avenue Close Drive Way Gate Grove Terrace Rise Place Square Mews Gardens
    North South East West Upper Lower Great Little Old New Royal County City General District
    Community Primary Special Academy School College University Day Resource Hub Club Church
    England English British Britain UK Scotland Wales Welsh Scottish Irish Ireland Polish
    Muslim Christian Hindu Sikh Jewish Catholic Black White Asian Mixed Caribbean African
    """
)
# Eponyms of clinical scales, syndromes and signs: "Bristol stool chart", "Glasgow Coma Scale",
# "Down's syndrome", "Parkinson's disease". Never a person or a place in a review.
EPONYMS = _words(
    """
    Bristol Glasgow Waterlow Braden Barthel Norton Rockwood Addison Addisons Crohn Crohns
    Parkinson Parkinsons Alzheimer Alzheimers Asperger Aspergers Huntington Huntingtons Hodgkin
    Hodgkins Cushing Cushings Graves Wilson Wilsons Rett Retts Angelman Prader Willi Williams
    Edwards Patau Turner Turners Klinefelter Fragile Tourette Tourettes Bell Bells Guillain Barre
    Korsakoff Munchausen Dravet Lennox Gastaut West Sturge Weber Marfan Ehlers Danlos Duchenne
    Becker Apgar Heimlich Foley Hartmann Whipple Gillick Bolam Montgomery Caldicott Mencap
    Makaton Elvis Emmerdale Bollywood Movicol Laxido Epilim Keppra Lamictal Tegretol Buccolam
    Oramorph Fortisip Ensure Thick Easy Resource Nutilis
    """
)
NOT_NAMES = NOT_NAMES | EPONYMS | _words("National Insurance Number Passport Licence Benefit")


# Clinical and NHS abbreviations in capitals that are not initials.
ABBREVIATIONS = _words(
    """
    AA AB AF AHC AKI AMU ASD BD BG BMI BNF BP CAMHS CCG CHC CKD CLDT COPD CPR CQC CRP CSF CT
    CTLD CVA CXR DH DM DN DNA DNACPR DOB DOD DOLS DVT ECG ED EEG EHCP ENT FBC GCS GI GP GPS
    HB HCA HDU HR ICB ICD ICS ICU ID IM IV LA LAC LD LDA LFT MAR MCA MDT MH MHA MI MND MRC MRI
    MRN MS NBM NEWS NG NHS NI NOK OD OT PA PALS PCN PE PEG PICC PMLD PO PR PRN PT QA QDS RR
    SALT SAR SEN SHO SLT SOS SR STOMP TB TDS TIA UK UTI UE VTE WHO XR OK TV DVD CD PC PA UN
    US USA EU NICE ONS ADHD ASAP AM PM IT HR AND OR NOT THE OF TO IN ON AT BY FOR AS IS IT
    PAS RIO EMIS EPR ESR SCR NRLS STEIS LFPSE PSII SJR RCA SI URN CHI LAS CAG DPA GDPR FOI
    MR MRS MX DR SR REV NINO WCC WBC RBC PLT INR TFT ALP ALT AST GGT EGFR ABG VBG BNP PSA
    MSU CSU HBA TSH LDL HDL AAA AED AEDS SUDEP SSRI NSAID PPI OGD PEJ NGT RIG VP CPAP BIPAP
    NIV HFNO ICS LABA SABA ARB ACE DVLA DWP PIP ESA UC EHC SEND IDDSI ADL ADLS
    """
)
