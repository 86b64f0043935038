"""Anhui's recommendations along the path, made through the services as a user would make them."""

import copy

import pytest

from tests.documents.factories import FULL_DATA
from tests.factories import received_recommendation, recommended_recommendation, submitted_recommendation


@pytest.fixture
def full_data():
    return copy.deepcopy(FULL_DATA)


@pytest.fixture
def anhui_submitted(round_2021, hefei_officer):
    """Hefei's recommendation, submitted to Anhui: version v1."""
    return submitted_recommendation(hefei_officer, round_2021)


@pytest.fixture
def anhui_recommended(round_2021, hefei_officer, anhui_officer):
    """Submitted (v1), then recommended by Anhui (v2, with its opinion)."""
    return recommended_recommendation(hefei_officer, anhui_officer, round_2021)


@pytest.fixture
def anhui_received(round_2021, hefei_officer, anhui_officer, national_admin):
    """Recommended (v2) and received by CNIPA: numbered 2021-34-01."""
    return received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
