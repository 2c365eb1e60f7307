"""No test module imports another (docs/developer-guide.md, "Tests and CI"): what tests
share lives in the helper modules beside them (tests/journeys.py, builders.py,
employment_builders.py…), so a test file can be split, moved or deleted without breaking
another, and reading a test never sends one into a second test file for its setup."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _is_test_module(root: Path, dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[-1].startswith("test_") and root.joinpath(*parts).with_suffix(".py").is_file()


def imports_of_test_modules(root: Path, path: Path) -> list[str]:
    """Where `path` imports a test module of `root`: absolute, relative, `from package
    import test_x`, or inside a function."""
    package = list(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = [*base, *(node.module.split(".") if node.module else [])]
            # `from tests.unit import test_x` names the module among the imported names.
            names = [".".join(module), *(".".join([*module, a.name]) for a in node.names)]
        else:
            continue
        found += [
            f"{path.relative_to(root)}:{node.lineno} imports {name}"
            for name in names
            if _is_test_module(root, name)
        ]
    return found


def test_no_module_of_the_tests_or_the_benchmarks_imports_a_test_module() -> None:
    files = sorted([*REPO.glob("tests/**/*.py"), *REPO.glob("bench/**/*.py")])
    assert len(files) > 100  # the globs found the suite
    found = [line for path in files for line in imports_of_test_modules(REPO, path)]
    assert found == [], "move what they share into a helper module (tests/journeys.py…)"


@pytest.mark.parametrize(
    ("source", "imported"),
    [
        ("from tests.unit.test_a import NOW", "tests.unit.test_a"),
        ("import tests.unit.test_a", "tests.unit.test_a"),
        ("from tests.unit import test_a", "tests.unit.test_a"),
        ("from .test_a import NOW", "tests.unit.test_a"),
        ("from . import test_a", "tests.unit.test_a"),
        ("from ..e2e.test_c import at_local", "tests.e2e.test_c"),
        ("def helper():\n    from tests.e2e.test_c import at_local", "tests.e2e.test_c"),
    ],
    ids=["from", "import", "from-package", "relative", "relative-package", "parent", "in-a-def"],
)
def test_every_form_of_importing_a_test_module_is_found(
    tmp_path: Path, source: str, imported: str
) -> None:
    for name in ("tests/unit/test_a.py", "tests/unit/test_b.py", "tests/e2e/test_c.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("NOW = 1\n")
    (tmp_path / "tests/unit/test_b.py").write_text(source + "\n")
    found = imports_of_test_modules(tmp_path, tmp_path / "tests/unit/test_b.py")
    assert [line.rsplit(" ", 1)[1] for line in found] == [imported]


def test_helper_modules_are_not_test_modules(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/builders.py").write_text("NOW = 1\n")
    (tmp_path / "tests/test_b.py").write_text(
        "from tests.builders import NOW\nfrom tests import builders\n"
    )
    assert imports_of_test_modules(tmp_path, tmp_path / "tests/test_b.py") == []
