import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
