"""Models for the questions part of the review: none. The structured questions and the cause of
death are kept as `ReviewSection` rows ("questions", "cause_of_death"), so they get versions,
differences and the edit rule from the review record's core (see docs/adr/0014)."""

__all__: list[str] = []
