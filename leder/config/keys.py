"""The checks every key a deployed service depends on must pass (ADR 0110).

`DJANGO_SECRET_KEY` signs sessions, CSRF tokens and password-reset links; `LEDER_PSEUDONYM_KEY`
keys the national dataset's pseudonyms, from which anyone holding it and an NHS number could
recompute a person's pseudonym. Both must be long, random, not a published demo key, and not the
same as each other. Production settings refuse to load until they are.
"""

MIN_KEY_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
# Prefixes of keys published in this repository or by Django for development.
INSECURE_PREFIXES = ("insecure", "django-insecure")
GENERATE_HINT = (
    "Generate each with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))' "
    "and pass it in the environment or, better, in a file named by DJANGO_SECRET_KEY_FILE / "
    "LEDER_PSEUDONYM_KEY_FILE."
)


def key_problems(name: str, value: str | None) -> list[str]:
    """What is wrong with the key in the environment variable `name`, in plain words."""
    if not value:
        return [f"{name} is not set."]
    problems = []
    if len(value) < MIN_KEY_LENGTH:
        problems.append(
            f"{name} is {len(value)} characters long; it must be at least {MIN_KEY_LENGTH}."
        )
    if len(set(value)) < MIN_UNIQUE_CHARACTERS:
        problems.append(f"{name} has fewer than {MIN_UNIQUE_CHARACTERS} different characters.")
    if value.lower().startswith(INSECURE_PREFIXES):
        problems.append(f"{name} is a published development key.")
    return problems


def production_key_problems(secret_key: str | None, pseudonym_key: str | None) -> list[str]:
    problems = key_problems("DJANGO_SECRET_KEY", secret_key) + key_problems(
        "LEDER_PSEUDONYM_KEY", pseudonym_key
    )
    if secret_key and pseudonym_key and secret_key == pseudonym_key:
        problems.append(
            "LEDER_PSEUDONYM_KEY must differ from DJANGO_SECRET_KEY: a leaked secret key must "
            "not let anyone recompute the national dataset's pseudonyms."
        )
    return problems


def refusal_message(problems: list[str]) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return (
        "OpenLeDeR will not start with production settings:\n"
        f"{lines}\n"
        f"{GENERATE_HINT}\n"
        "For the demo on your own machine, ask for it explicitly: "
        "DJANGO_SETTINGS_MODULE=leder.config.settings.demo (make demo does)."
    )
