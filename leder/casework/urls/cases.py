"""Routes: one case (its page, allocation, the reviewer's answer, holds, the organisations
involved) and the reviewer's own list. Included after the case list's routes, whose paths
("cases/export.csv") are not case references."""

from django.urls import path

from leder.casework.views import allocation, case, child_death

urlpatterns = [
    path("my-cases", case.my_cases, name="my_cases"),
    path("cases/<str:reference>", case.case_detail, name="case"),
    path("cases/<str:reference>/notified-by", case.notified_by, name="notified_by"),
    path("cases/<str:reference>/allocate", allocation.allocate, name="allocate"),
    path(
        "cases/<str:reference>/allocate/<int:reviewer_id>",
        allocation.allocate_confirm,
        name="allocate_confirm",
    ),
    path("cases/<str:reference>/accept", allocation.accept, name="accept"),
    path("cases/<str:reference>/decline", allocation.decline, name="decline"),
    path("cases/<str:reference>/hold", case.hold, name="hold"),
    path("cases/<str:reference>/resume", case.resume, name="resume"),
    path(
        "cases/<str:reference>/child-death-review",
        child_death.child_death_review,
        name="child_death_review",
    ),
    path(
        "cases/<str:reference>/organisations/add",
        case.organisation_add,
        name="case_organisation_add",
    ),
]
