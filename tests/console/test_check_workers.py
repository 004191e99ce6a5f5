import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_checking_the_workers_returns_to_the_page_it_was_asked_from(client_for, oscar, store_a):
    response = client_for(oscar).post(reverse("check_workers"), {"next": reverse("dashboard")})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_a_next_address_on_another_site_lands_on_the_settings_page(
    client_for, oscar, store_a, next_url
):
    response = client_for(oscar).post(reverse("check_workers"), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("settings")
