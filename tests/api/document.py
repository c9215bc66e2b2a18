"""Print the API's OpenAPI document (make lint hands it to Spectral)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # config.py at the top level

from exchange import create_app  # noqa: E402

if __name__ == "__main__":
    app = create_app("testing", DATABASE_URL="sqlite://")
    with app.test_client() as client:
        print(json.dumps(client.get("/api/v1/openapi.json").json, indent=1))
