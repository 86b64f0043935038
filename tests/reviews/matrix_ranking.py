"""The ranking, decision and outcome rows of the permission matrix (tests/permission_matrix.py),
imported by tests/reviews/matrix.py.

The ranking, its export, the decision and the publication are the national administrator's
alone: everybody else logged in gets a 403, experts and provinces included. The outcome page is
for the provinces and implementing units (and the administrator); experts get a 403.
"""

from django.urls import reverse

from tests.factories import RoundFactory
from tests.permission_matrix import Row, for_roles


def a_round(get):
    get("db")
    return {"round_pk": RoundFactory(year=2021).pk}


def back_to_ranking(get):
    return reverse("reviews:ranking")


ADMIN_ONLY = {"anonymous": 302, "national_admin": 200, "others": 403}

ROWS = [
    *for_roles("reviews:ranking", **ADMIN_ONLY),
    *for_roles("reviews:ranking_export", kwargs=a_round, **ADMIN_ONLY),
    # Nothing shown to decide on: back to the ranking, with the refusal.
    *[
        row
        for row in for_roles("reviews:decide", kwargs=a_round, method="POST", anonymous=302, others=403)
        if row.role != "national_admin"
    ],
    Row("national_admin", "reviews:decide", a_round, "POST", 302, location=back_to_ranking),
    *for_roles("reviews:decide", kwargs=a_round, label="GET refused", anonymous=302, others=405),
    *for_roles("reviews:publish", kwargs=a_round, **ADMIN_ONLY),
    # Nothing to publish: the page comes back with what stands in the way.
    *for_roles("reviews:publish", kwargs=a_round, method="POST", **ADMIN_ONLY),
    *for_roles("reviews:outcome", anonymous=302, expert_from_anhui=403, others=200),
]
