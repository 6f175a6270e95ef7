"""Every environment variable the settings read is listed in .env.example with a comment."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def documented() -> dict[str, str]:
    """Variable → the comment line just above it in .env.example."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    found = {}
    for index, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            name = line.split("=", 1)[0].strip()
            above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            found[name] = above
    return found


def test_every_setting_variable_is_in_env_example():
    read = variables_read_by_settings()
    assert len(read) > 30  # the scan itself works
    missing = read - set(documented())
    assert not missing, f".env.example lacks: {sorted(missing)}"


def test_every_listed_variable_is_explained():
    for name, above in documented().items():
        assert above.startswith("#") or "=" in above, f"{name} has no explanation in .env.example"
