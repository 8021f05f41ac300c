"""An evaluation corpus for free-text redaction, written apart from the patterns (issue 13).

The first corpus (`leder.exports.redaction_corpus`) was written together with the patterns it
measures, so its 100% recall said nothing about identifiers nobody had thought of. This one was
written *before* any pattern was changed for issue 13, by imitating what reviewers write in
LeDeR reviews: pen portraits, timelines of care, answers to the structured questions (annual
health check, DNACPR, Mental Capacity Act, reasonable adjustments, dysphagia, constipation,
epilepsy, sepsis, transitions) and learning tagged with the learning themes. Into that prose it
mixes every kind of identifier issue 13 lists, each in many forms: names after titles,
relationships and roles, names alone, nicknames, initials, hospital and other record numbers,
National Insurance and NHS numbers, telephone numbers, e-mail addresses, street addresses,
postcodes, full dates and named days, and named organisations and places that locate a person
(care homes, wards, hospitals, schools, day centres, employers, streets). Around them is clean
clinical text that must survive (doses, scores, durations, ICD-10 codes, NHS organisation types).

It has two parts with different templates and different pools of names and places:

- `development`: the part the detection rules were iterated on;
- `held_out`: written at the same time, before any tuning, and never read while the rules were
  changed; its figures are the honest estimate.

`narratives.evaluate` measures recall per kind (an identifier counts as removed only when every
letter and digit of it was removed) and the false-removal rate (the share of clean word tokens
removed). `manage.py redaction_recall` prints both parts beside the first corpus.

Everything is synthetic: NHS numbers from the 999 test range, Ofcom's drama telephone numbers,
example.* e-mail domains, National Insurance numbers with the QQ prefix HMRC reserves for
examples or made-up prefixes, and invented names of people, homes, wards and schools.
"""
