from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "leder.governance"
    label = "governance"
    verbose_name = "Governance: quality assurance, panels, sign-off, actions and learning"

    def ready(self):
        # The review record asks governance about locks, QA rounds and QA comments through an
        # interface it owns (leder.reviews.oversight), so that reviews never imports governance.
        from leder.governance.review_oversight import GovernanceOversight
        from leder.reviews.oversight import register

        register(GovernanceOversight())
