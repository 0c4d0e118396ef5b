"""Reading the JSON documents scoring is driven by (methodologies, explanation templates), one way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_json(path: str | Path, error: type[Exception]) -> Any:
    """The document at `path`; a file that is not JSON raises `error` naming the file and the problem."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as problem:
        raise error(f"{path}: file: not valid JSON ({problem})") from None
