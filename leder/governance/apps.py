from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "leder.governance"
    label = "governance"
    verbose_name = "Governance: quality assurance, panels, sign-off, actions and learning"
