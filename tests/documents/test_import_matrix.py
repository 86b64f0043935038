"""The Word import's rows of the permission matrix (tests/permission_matrix.py).

Only implementing officers may import (anyone else logged in: 403). The report of an import
is the unit's: another unit or province does not see the draft (404); the national
administrator sees it but may not read the import report (403).

`IMPORT_ROWS` belongs in tests/documents/matrix.py (`ROWS = [..., *IMPORT_ROWS]`); the test
below checks the same rows until then.
"""

import pytest
from django.urls import reverse

from dibiao.documents.word_import import create_draft_from_docx
from tests.documents.fixtures.attachment1 import build
from tests.permission_matrix import ANONYMOUS, Row, for_roles


def imported_draft(get):
    get("db")
    result = create_draft_from_docx(actor=get("hefei_officer"), round=get("round_2021"), data=build())
    return {"pk": result.recommendation.pk}


IMPLEMENTING = {"anonymous": 302, "hefei_officer": 200, "hangzhou_officer": 200, "others": 403}

IMPORT_ROWS = [
    *for_roles("documents:import_docx", **IMPLEMENTING),
    # Without a file: the form comes back with its error; nothing is created.
    *for_roles("documents:import_docx", method="POST", data={}, **IMPLEMENTING),
    *for_roles(
        "documents:import_report",
        kwargs=imported_draft,
        anonymous=302,
        hefei_officer=200,
        national_admin=403,
        others=404,
    ),
]


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.urls("tests.documents.test_import_views")
@pytest.mark.parametrize("row", IMPORT_ROWS, ids=[row.id for row in IMPORT_ROWS])
def test_role_gets_the_expected_status(row: Row, client, request):
    get = request.getfixturevalue
    kwargs = row.kwargs(get) if callable(row.kwargs) else row.kwargs
    url = reverse(row.url_name, kwargs=kwargs or {})
    if row.role != ANONYMOUS:
        client.force_login(get(row.role))

    response = getattr(client, row.method.lower())(url, row.data or {})

    assert response.status_code == row.status, f"{row.method} {url} as {row.role}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
