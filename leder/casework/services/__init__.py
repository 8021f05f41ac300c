"""Writes for casework, one module per part of the work. Import from the module that owns the
operation (`services.lifecycle`, `services.triage`, `services.register`, `services.allocation`,
`services.reminders`)."""
