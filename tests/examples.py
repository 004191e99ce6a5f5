"""Official example payloads for tests, and where the full official reference material is.

The payloads the tests need are kept in `tests/fixtures/` (their README names the source of
each), so a clone of the repository runs every test of the connector's own logic. Only the
emulators' conformance tests read the full official specs, from `reference_dir()`.
"""

import json
import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = REPOSITORY / "tests" / "fixtures"


def reference_dir() -> Path:
    """The shared reference material (official OpenAPI specs, ...): `../shared/reference`
    beside the repository, or the directory that `CONNECTOR_REFERENCE_DIR` names."""
    override = os.environ.get("CONNECTOR_REFERENCE_DIR")
    return Path(override) if override else REPOSITORY.parent / "shared" / "reference"


def fixture_text(vendor: str, name: str) -> str:
    return (FIXTURES / vendor / name).read_text()


def bigcommerce_example(name: str):
    return json.loads(fixture_text("bigcommerce", name))


def salesforce_example(name: str):
    return json.loads(fixture_text("salesforce", name))
