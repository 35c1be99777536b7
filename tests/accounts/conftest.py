import pytest


@pytest.fixture(autouse=True)
def account_urls(settings):
    settings.ROOT_URLCONF = "tests.accounts.urls"
