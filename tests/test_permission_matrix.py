"""Every URL, every role: the status each gets (tests/permission_matrix.py explains the rows)."""

import pytest
from django.urls import reverse

from tests.permission_matrix import ANONYMOUS, ROWS, Row, names_needing_rows, url_names

pytestmark = pytest.mark.django_db


def _resolve(value, get):
    return value(get) if callable(value) else value


@pytest.mark.integration
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_role_gets_the_expected_status(row: Row, client, request):
    get = request.getfixturevalue
    # Build the objects the URL needs first: the data that could leak exists before anyone asks.
    url = reverse(row.url_name, kwargs=_resolve(row.kwargs, get) or {})
    data = _resolve(row.data, get) or {}
    if row.role != ANONYMOUS:
        client.force_login(get(row.role))

    response = getattr(client, row.method.lower())(url, data)

    assert response.status_code == row.status, f"{row.method} {url} as {row.role}"
    if response.status_code != 302:
        return
    login = reverse("accounts:login")
    location = _resolve(row.location, get)
    if location is not None:
        expected = location if location.startswith("/") else reverse(location)
        assert response["Location"].startswith(expected)
    elif row.role == ANONYMOUS:
        assert response["Location"].startswith(f"{login}?next=")
    else:
        assert not response["Location"].startswith(login), f"{row.role} was sent to log in"


@pytest.mark.unit
def test_every_url_has_rows_in_the_matrix():
    covered = {row.url_name for row in ROWS}
    assert sorted(names_needing_rows() - covered) == []


@pytest.mark.unit
def test_every_row_names_an_existing_url():
    assert sorted({row.url_name for row in ROWS} - set(url_names())) == []
