"""The layer rules of pyproject.toml hold, and `lint-imports` (run by `make lint`) fails the
moment a module breaks one: checked on a copy of the code with one import added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "common", "core", "db", "emulator", "flows", "handlers", "scheduler")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, before the installed (editable) packages.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(REPO / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return root


def test_the_code_as_it_is_keeps_every_layer_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/routing.py", "from handlers import menu", "core/ holds the rules"),
        ("core/intake.py", "import telegram", "core/ holds the rules"),
        ("flows/filing/screens.py", "import telegram", "flows/ (conversations, channel-neutral)"),
        ("core/routing.py", "from flows import screen", "core/ holds the rules"),
        ("db/models.py", "from core import intake", "db/ stores and knows no domain rule"),
        ("common/i18n.py", "import db.engine", "common/ (config, i18n)"),
        (
            "emulator/limits.py",
            "from common.config import Config",
            "the emulator stands on its own",
        ),
    ],
)
def test_breaking_a_layer_on_purpose_fails_the_lint(
    tree: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tree, broken)
    path = broken / module
    path.write_text(path.read_text() + f"\n{line}  # a layer broken on purpose\n")
    result = lint_imports(broken)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
