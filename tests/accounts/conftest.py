"""Organisations and helpers for the account tests, beside the named cast of tests/conftest.py."""

import re

import pytest

from tests.factories import CentreFactory, DepartmentFactory, ImplementingUnitFactory, NationalOfficeFactory


@pytest.fixture
def national_office(db):
    return NationalOfficeFactory()


@pytest.fixture
def department(national_office):
    return DepartmentFactory(parent=national_office)


@pytest.fixture
def wuhu(anhui):
    """A second Anhui implementing unit."""
    return ImplementingUnitFactory(province=anhui, code="340200", name="芜湖市市场监督管理局（知识产权局）")


@pytest.fixture
def sichuan_centre(db):
    return CentreFactory()


def link_in(message) -> str:
    """The path of the one link in an e-mail that leads into the product."""
    links = re.findall(r"https?://[^/\s]+(/\S+)", message.body)
    product_links = [
        link for link in links if "/accounts/password/reset/" in link or "/accounts/welcome/" in link
    ]
    assert len(product_links) == 1, message.body
    return product_links[0]
