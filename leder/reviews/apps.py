from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "leder.reviews"
    label = "reviews"
    verbose_name = "Reviews: the initial and focused review record"

    def ready(self):
        # Each part of the review registers its sections (see leder.reviews.sections).
        from leder.reviews import section_modules  # noqa: F401
