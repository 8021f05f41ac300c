"""The structured questions (DOMAIN.md "The lifecycle"), versioned. PLACEHOLDER VERSION until the
structured-questions work lands: it only says which version is current."""


def current_version() -> str:
    return ""
