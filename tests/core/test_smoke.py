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


def test_navigation_offers_each_role_its_own_pages(client, national_admin, anhui_officer, hefei_officer):
    def links(user):
        client.force_login(user)
        page = client.get(reverse("dashboards:home")).content.decode()
        return {
            name: f'href="{reverse(name)}"' in page
            for name in ["rounds:list", "organisations:list", "accounts:list", "admin:index"]
        }

    assert links(national_admin) == {
        "rounds:list": True,
        "organisations:list": True,
        "accounts:list": True,
        "admin:index": True,
    }
    assert links(anhui_officer) == {
        "rounds:list": True,
        "organisations:list": True,
        "accounts:list": True,
        "admin:index": False,
    }
    assert links(hefei_officer) == {
        "rounds:list": False,
        "organisations:list": False,
        "accounts:list": False,
        "admin:index": False,
    }
