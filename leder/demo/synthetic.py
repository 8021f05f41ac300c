"""Synthetic people for demos, tests and benchmarks. Nothing here is about a real person: names
are drawn from lists of common names, NHS numbers from the 999 test range, dates at random."""

import random
from datetime import date, timedelta

from nhs_number import calculate_checksum

GIVEN_NAMES = {
    "female": [
        "Margaret",
        "Susan",
        "Aisha",
        "Priya",
        "Grace",
        "Joanne",
        "Fatima",
        "Helen",
        "Chloe",
        "Amara",
        "Siobhan",
        "Mei",
        "Patricia",
        "Zainab",
        "Emma",
        "Lucy",
    ],
    "male": [
        "David",
        "Michael",
        "Tariq",
        "Daniel",
        "Kwame",
        "Peter",
        "Sanjay",
        "Thomas",
        "Liam",
        "Oluwaseun",
        "Gareth",
        "Wei",
        "Stephen",
        "Imran",
        "James",
        "Callum",
    ],
}
FAMILY_NAMES = [
    "Thompson",
    "Okafor",
    "Patel",
    "Walsh",
    "Hughes",
    "Begum",
    "Kowalski",
    "Evans",
    "Mensah",
    "Clarke",
    "Hussain",
    "O'Brien",
    "Nguyen",
    "Taylor",
    "Campbell",
    "Ahmed",
    "Robinson",
    "Shah",
    "Murphy",
    "Bennett",
    "Chen",
    "Ali",
    "Wright",
    "Adeyemi",
]
STREETS = [
    "Meadow Lane",
    "Church Street",
    "Park Road",
    "Victoria Avenue",
    "Mill Close",
    "Station Road",
    "Orchard Way",
    "The Crescent",
    "Brook Street",
    "Elm Grove",
]


def synthetic_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 test range (never issued to a person)."""
    while True:
        body = "999" + f"{rng.randrange(0, 1_000_000):06d}"
        check = calculate_checksum(body)
        if check is not None and check < 10:
            return f"{body}{check}"


def invalid_nhs_number(rng: random.Random) -> str:
    """A 999-range number whose check digit is wrong."""
    valid = synthetic_nhs_number(rng)
    wrong = (int(valid[-1]) + 1) % 10
    return valid[:-1] + str(wrong)


def synthetic_name(rng: random.Random, gender: str) -> str:
    return f"{rng.choice(GIVEN_NAMES[gender])} {rng.choice(FAMILY_NAMES)}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(0, (end - start).days + 1))


def synthetic_address(rng: random.Random, postcode_area: str) -> tuple[str, str]:
    number = rng.randrange(1, 120)
    street = rng.choice(STREETS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randrange(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    postcode = f"{postcode_area}{rng.randrange(1, 9)} {inward}"
    return f"{number} {street}", postcode
