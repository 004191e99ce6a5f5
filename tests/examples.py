"""The official BigCommerce example payloads in ../shared/reference, for tests."""

import json
from pathlib import Path

from tests.conftest import require

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def bigcommerce_example(name: str):
    path = REFERENCE / "bigcommerce" / "examples" / name
    require(path.exists(), f"the shared reference payload {path}")
    return json.loads(path.read_text())
