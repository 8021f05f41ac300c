"""Avoidable mortality classification against the ONS (OECD/Eurostat 2019 + COVID-19) list.

The table below was written by hand from the list's README and CSV: one or more codes for every
row, chosen to hit the ends of ranges, 4-character codes and exclusions. If the CSV is replaced
or a row is lost, a row of this table fails.
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leder.reference import avoidable, icd10

PRE = (1.0, 0.0)  # preventable only
TRE = (0.0, 1.0)  # treatable only
HALF = (0.5, 0.5)  # counted half in each

# (underlying cause as a certifier might write it, list row, (preventable, treatable))
EVERY_ROW = [
    ("A09.0", "Intestinal diseases", PRE),
    ("A00", "Intestinal diseases", PRE),
    ("A35", "Diphtheria, tetanus and poliomyelitis", PRE),
    ("A80.9", "Diphtheria, tetanus and poliomyelitis", PRE),
    ("A37.9", "Whooping cough", PRE),
    ("A39.2", "Meningococcal infection", PRE),
    ("A40.3", "Sepsis due to Streptococcus pneumoniae or Haemophilus influenzae", PRE),
    ("A41.3", "Sepsis due to Streptococcus pneumoniae or Haemophilus influenzae", PRE),
    ("A49.2", "Haemophilus influenzae infection", PRE),
    ("A53.9", "Sexually transmitted infections (except HIV/AIDS)", PRE),
    ("A64", "Sexually transmitted infections (except HIV/AIDS)", PRE),
    ("B01.9", "Varicella", PRE),
    ("B05.9", "Measles", PRE),
    ("B06.9", "Rubella", PRE),
    ("B18.2", "Viral hepatitis", PRE),
    ("B24", "HIV/AIDS", PRE),
    ("B54", "Malaria", PRE),
    ("G00.1", "Bacterial meningitis (Haemophilus, pneumococcal)", PRE),
    ("J10.0", "Influenza (including swine flu)", PRE),
    ("J13", "Pneumonia due to Streptococcus pneumoniae or Haemophilus influenzae", PRE),
    ("A16.2", "Tuberculosis", HALF),
    ("B90.9", "Tuberculosis", HALF),
    ("J65", "Tuberculosis", HALF),
    ("A38", "Scarlet fever", TRE),
    ("A40.9", "Sepsis (other)", TRE),
    ("A41.9", "Sepsis (other)", TRE),
    ("A41", "Sepsis (other)", TRE),
    ("L03.1", "Cellulitis", TRE),
    ("A46", "Cellulitis", TRE),
    ("A48.1", "Legionnaires' disease", TRE),
    ("A49.1", "Streptococcal and enterococcal infection", TRE),
    ("G00.9", "Other meningitis", TRE),
    ("G03.9", "Meningitis due to other and unspecified causes", TRE),
    ("U07.1", "COVID-19", PRE),
    ("U07.2", "COVID-19", PRE),
    ("C01", "Lip, oral cavity and pharynx cancer", PRE),
    ("C15.9", "Oesophageal cancer", PRE),
    ("C16.9", "Stomach cancer", PRE),
    ("C22.0", "Liver cancer", PRE),
    ("C34.9", "Lung cancer (trachea, bronchus and lung)", PRE),
    ("C45.0", "Mesothelioma", PRE),
    ("C43.9", "Melanoma of skin", PRE),
    ("C67.9", "Bladder cancer", PRE),
    ("C53.9", "Cervical cancer", HALF),
    ("C18.7", "Colorectal cancer", TRE),
    ("C21.0", "Colorectal cancer", TRE),
    ("C50.9", "Breast cancer (females only)", TRE),
    ("C55", "Uterus cancer", TRE),
    ("C62.9", "Testicular cancer", TRE),
    ("C73", "Thyroid cancer", TRE),
    ("C81.9", "Hodgkin's disease", TRE),
    ("C91.0", "Leukaemia (acute lymphoid and chronic lymphocytic)", TRE),
    ("C91.1", "Leukaemia (acute lymphoid and chronic lymphocytic)", TRE),
    ("D33.2", "Benign neoplasms", TRE),
    ("D50.9", "Nutritional deficiency anaemia", PRE),
    ("E11.9", "Diabetes mellitus", HALF),
    ("E14", "Diabetes mellitus", HALF),
    ("E03.9", "Thyroid disorders", TRE),
    ("E27.1", "Adrenal disorders", TRE),
    ("E24.0", "Adrenal disorders", TRE),
    ("G40.9", "Epilepsy and status epilepticus", TRE),
    ("G41.9", "Epilepsy and status epilepticus", TRE),
    ("I05.0", "Rheumatic and other valvular heart disease", TRE),
    ("I11.9", "Hypertensive diseases", HALF),
    ("I15.9", "Hypertensive diseases", HALF),
    ("I21.9", "Ischaemic heart diseases", HALF),
    ("I25.1", "Ischaemic heart diseases", HALF),
    ("I63.9", "Cerebrovascular diseases", HALF),
    ("I69.4", "Cerebrovascular diseases", HALF),
    ("I70.2", "Other atherosclerosis", HALF),
    ("I73.9", "Other atherosclerosis", HALF),
    ("I71.4", "Aortic aneurysm", HALF),
    ("I26.9", "Venous thromboembolism", TRE),
    ("I80.2", "Venous thromboembolism", TRE),
    ("I82.9", "Venous thromboembolism", TRE),
    ("J44.9", "Chronic obstructive pulmonary disease", PRE),
    ("J69.0", "Lung diseases due to external agents", PRE),
    ("J92.9", "Lung diseases due to external agents", PRE),
    ("J06.9", "Upper respiratory infections", TRE),
    ("J35.0", "Upper respiratory infections", TRE),
    ("J18.9", "Pneumonia (other or unspecified organism)", TRE),
    ("J15.9", "Pneumonia (other or unspecified organism)", TRE),
    ("J22", "Acute lower respiratory infections", TRE),
    ("J45.9", "Asthma and bronchiectasis", TRE),
    ("J47", "Asthma and bronchiectasis", TRE),
    ("J80", "Adult respiratory distress syndrome", TRE),
    ("J81", "Pulmonary oedema", TRE),
    ("J86.9", "Abscess of lung and mediastinum; pyothorax", TRE),
    ("J90", "Other pleural disorders", TRE),
    ("J93.9", "Other pleural disorders", TRE),
    ("K25.9", "Gastric and duodenal ulcer", TRE),
    ("K35.8", "Appendicitis", TRE),
    ("K40.9", "Abdominal hernia", TRE),
    ("K80.2", "Cholelithiasis and cholecystitis", TRE),
    ("K83.0", "Other disorders of gallbladder and biliary tract", TRE),
    ("K85.9", "Acute pancreatitis (not alcohol-induced)", TRE),
    ("K86.1", "Other diseases of pancreas", TRE),
    ("N04.9", "Nephritis and nephrosis", TRE),
    ("N17.9", "Renal failure", TRE),
    ("N18.5", "Renal failure", TRE),
    ("N23", "Renal colic", TRE),
    ("N25.9", "Disorders resulting from impaired renal tubular function", TRE),
    ("N26", "Unspecified contracted kidney; small kidney of unknown cause", TRE),
    ("N13.9", "Obstructive uropathy", TRE),
    ("N35.9", "Obstructive uropathy", TRE),
    ("N70.9", "Inflammatory diseases of genitourinary system", TRE),
    ("N34.1", "Inflammatory diseases of genitourinary system", TRE),
    ("N40", "Prostatic hyperplasia", TRE),
    ("A33", "Tetanus neonatorum", PRE),
    ("A34", "Obstetrical tetanus", PRE),
    ("O99.4", "Pregnancy, childbirth and the puerperium", TRE),
    ("P07.3", "Certain conditions originating in the perinatal period", TRE),
    ("Q05.9", "Neural tube defects", PRE),
    ("Q00.0", "Neural tube defects", PRE),
    ("Q21.0", "Congenital malformations of the circulatory system", TRE),
    (
        "Y45.1",
        "Drugs, medicaments and biological substances causing adverse effects in therapeutic use",
        TRE,
    ),
    ("Y83.1", "Misadventures to patients during surgical and medical care", TRE),
    ("Y65.5", "Misadventures to patients during surgical and medical care", TRE),
    ("Y71.3", "Medical devices associated with adverse incidents", TRE),
    ("V89.2", "Transport accidents", PRE),
    ("W79", "Accidental injuries", PRE),  # choking on food: common in LeDeR deaths
    ("X59.9", "Accidental injuries", PRE),
    ("X70", "Intentional self-harm", PRE),
    ("Y20", "Event of undetermined intent", PRE),
    ("Y09", "Assault", PRE),
    ("X99", "Assault", PRE),
    ("K70.3", "Alcohol-specific disorders and poisonings", PRE),
    ("E24.4", "Alcohol-specific disorders and poisonings", PRE),
    ("X45", "Alcohol-specific disorders and poisonings", PRE),
    ("K86.0", "Alcohol-specific disorders and poisonings", PRE),
    ("K74.6", "Other alcohol-related disorders", PRE),
    ("K73.9", "Other alcohol-related disorders", PRE),
    ("F11.2", "Drug disorders and poisonings", PRE),
    ("X42", "Drug disorders and poisonings", PRE),
    ("Y12", "Drug disorders and poisonings", PRE),
    ("X62", "Intentional self-poisoning by drugs", PRE),
]

# Causes common in LeDeR deaths that are NOT in the list (at any age).
NOT_IN_LIST = [
    "Q90.9",  # Down syndrome: only neural tube and circulatory Q codes are in the list
    "G80.9",  # cerebral palsy
    "F79",  # learning disability
    "G30.9",  # Alzheimer's disease
    "K56.6",  # intestinal obstruction
    "F17.2",  # tobacco: the drug row leaves out F17
    "I00",  # the valvular row is written I01-I09
    "C92.1",  # only Statistics Canada lists it
    "J98.4",  # only Statistics Canada lists J98
]

A_DAY = date(2022, 6, 1)


def test_the_table_covers_every_row_of_the_list():
    rows = {row.group_name for row in avoidable.avoidable_list()}
    assert len(rows) == 97
    assert {group for _, group, _ in EVERY_ROW} == rows


@pytest.mark.parametrize(("code", "group", "weights"), EVERY_ROW)
def test_every_row_classifies_under_75(code, group, weights):
    result = avoidable.classify(code, 74, A_DAY)
    assert (result.group, (result.preventable, result.treatable)) == (group, weights)
    assert result.avoidable
    assert result.version == avoidable.VERSION


@pytest.mark.parametrize(("code", "group", "weights"), EVERY_ROW)
def test_no_row_counts_at_75_or_over(code, group, weights):
    result = avoidable.classify(code, 75, A_DAY)
    assert (result.preventable, result.treatable, result.avoidable) == (0, 0, False)
    assert result.group == group  # still says which row, so a page can explain why


@pytest.mark.parametrize("code", NOT_IN_LIST)
def test_codes_outside_the_list_are_not_avoidable(code):
    result = avoidable.classify(code, 40, A_DAY)
    assert result == avoidable.Avoidability(0.0, 0.0, False, "", avoidable.VERSION)


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("E11.9", "Diabetes mellitus"),
        ("A15.0", "Tuberculosis"),
        ("C53.0", "Cervical cancer"),
        ("I10", "Hypertensive diseases"),
        ("I13.2", "Hypertensive diseases"),
        ("I24.9", "Ischaemic heart diseases"),
        ("I64", "Cerebrovascular diseases"),
        ("I70.9", "Other atherosclerosis"),
        ("I71.3", "Aortic aneurysm"),
    ],
)
def test_fifty_fifty_rows_count_half_in_each(code, group):
    result = avoidable.classify(code, 50, A_DAY)
    assert (result.group, result.preventable, result.treatable) == (group, 0.5, 0.5)


@pytest.mark.parametrize(
    ("age", "counts"), [(0, True), (1, True), (64, True), (74, True), (75, False), (104, False)]
)
def test_age_limit_is_under_75(age, counts):
    assert avoidable.classify("J18.9", age, A_DAY).avoidable is counts


@pytest.mark.parametrize(
    ("died_on", "counts"),
    [
        (date(2019, 12, 31), False),  # the year before ONS added COVID-19
        (date(2020, 1, 1), True),
        (date(2021, 3, 10), True),
        (date(2025, 7, 1), True),
    ],
)
@pytest.mark.parametrize("code", ["U07.1", "U07.2", "u071"])
def test_covid_is_preventable_from_2020_only(code, died_on, counts):
    result = avoidable.classify(code, 60, died_on)
    assert result.avoidable is counts
    assert result.preventable == (1.0 if counts else 0.0)
    assert result.treatable == 0.0


@pytest.mark.parametrize(
    ("code", "group"),
    [
        # the 4-character exclusion moves A40.3 to the preventable sepsis row
        ("A40.3", "Sepsis due to Streptococcus pneumoniae or Haemophilus influenzae"),
        ("A40.0", "Sepsis (other)"),
        # E24.4 (alcohol-induced pseudo-Cushing) is taken out of adrenal disorders
        ("E24.4", "Alcohol-specific disorders and poisonings"),
        ("E24.9", "Adrenal disorders"),
        # K85.2 / K86.0 are alcohol; the other K85/K86 subcategories are treatable
        ("K85.2", "Alcohol-specific disorders and poisonings"),
        ("K85.1", "Acute pancreatitis (not alcohol-induced)"),
        # J65 goes with tuberculosis, its neighbours with external agents
        ("J64", "Lung diseases due to external agents"),
        ("J66.0", "Lung diseases due to external agents"),
        # X40-X44 drugs, X45 alcohol, X46 back to accidental injuries
        ("X39", "Accidental injuries"),
        ("X44", "Drug disorders and poisonings"),
        ("X46", "Accidental injuries"),
        ("X85", "Drug disorders and poisonings"),
        ("X86", "Assault"),
        ("I82.9", "Venous thromboembolism"),
    ],
)
def test_exclusions_and_neighbouring_codes(code, group):
    assert avoidable.classify(code, 30, A_DAY).group == group


@pytest.mark.parametrize("code", ["K74.3", "K74.4", "K74.5", "I82.0", "G00.4", "K85", "I73.0"])
def test_four_character_rows_do_not_take_the_rest_of_the_category(code):
    assert avoidable.classify(code, 30, A_DAY).group == ""


def test_breast_cancer_counts_for_women_and_when_sex_is_not_known_but_not_for_men():
    assert avoidable.classify("C50.9", 60, A_DAY, sex="female").treatable == 1.0
    assert avoidable.classify("C50.9", 60, A_DAY).treatable == 1.0
    assert avoidable.classify("C50.9", 60, A_DAY, sex="not_known").treatable == 1.0
    assert not avoidable.classify("C50.9", 60, A_DAY, sex="male").avoidable
    assert avoidable.classify("C34.9", 60, A_DAY, sex="male").avoidable  # other rows unaffected


@pytest.mark.parametrize("code", ["", "not a code", "J18.99", "X", "J09-J18"])
def test_malformed_codes_are_not_avoidable(code):
    assert not avoidable.classify(code, 40, A_DAY).avoidable


def test_unknown_version_and_negative_age_are_refused():
    with pytest.raises(ValueError, match="Unknown avoidable mortality list"):
        avoidable.classify("J18.9", 40, A_DAY, list_version="ons-2016")
    with pytest.raises(ValueError, match="negative"):
        avoidable.classify("J18.9", -1, A_DAY)


def test_the_named_version_is_the_default():
    named = avoidable.classify("J18.9", 40, A_DAY, list_version=avoidable.VERSION)
    assert named == avoidable.classify("J18.9", 40, A_DAY)


def test_avoidable_list_returns_the_rows_with_their_sources():
    rows = avoidable.avoidable_list()
    assert rows[0].group_name == "Intestinal diseases"
    assert rows[0].icd10_codes == "A00-A09"
    assert all(r.preventable_weight + r.treatable_weight == 1 for r in rows)
    assert all(r.age_limit == 74 for r in rows)
    assert [r.group_name for r in rows if r.first_year] == ["COVID-19"]
    assert [r.group_name for r in rows if r.preventable_weight == 0.5] == [
        "Tuberculosis",
        "Cervical cancer",
        "Diabetes mellitus",
        "Hypertensive diseases",
        "Ischaemic heart diseases",
        "Cerebrovascular diseases",
        "Other atherosclerosis",
        "Aortic aneurysm",
    ]


def test_no_icd10_code_is_in_two_rows():
    """The README says so; checked here over every code a certificate can carry."""
    codes = [entry.code for entry in icd10._index()] + ["U07.1", "U07.2"]
    for code in codes:
        matching = [
            row.group_name
            for row, rules in avoidable._rows(avoidable.VERSION)
            if any(avoidable._matches(rule, code) for rule in rules)
        ]
        assert len(matching) <= 1, (code, matching)


_ALL_CODES = [entry.code for entry in icd10._index()] + ["U07.1", "U07.2"]


@given(
    code=st.sampled_from(_ALL_CODES),
    age=st.integers(min_value=0, max_value=120),
    died_on=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    sex=st.sampled_from([None, "female", "male", "not_known"]),
)
def test_classification_invariants(code, age, died_on, sex):
    result = avoidable.classify(code, age, died_on, sex=sex)
    # weights are a split of one death, or nothing
    assert result.preventable + result.treatable == (1.0 if result.avoidable else 0.0)
    assert result.preventable in {0.0, 0.5, 1.0}
    # nobody 75 or over counts
    if age >= 75:
        assert not result.avoidable
    # a subcategory is in its category's row unless the list names 4-character codes there
    if len(code) == 5:
        row = avoidable.lookup(code)
        parent = avoidable.lookup(code[:3])
        if row is not None and parent is not None and "." not in row.icd10_codes:
            assert row == parent
    # the written form does not matter
    assert avoidable.classify(code.replace(".", "").lower(), age, died_on, sex=sex) == result
