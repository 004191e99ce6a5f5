import pytest
from django.contrib.auth import get_user_model

from sandbox.services import ensure_demo_environment
from stores.services import connect_org


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_superuser("owner", "o@example.com", "pw")


@pytest.fixture
def demo(owner, live_server):
    """The demo store (25 customers, 15 products, 60 orders) and org, over real HTTP."""
    environment = ensure_demo_environment(owner, live_server.url)
    connect_org(environment.org)
    environment.store.refresh_from_db()
    return environment
