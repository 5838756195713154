"""The layers the design names hold: the contracts in pyproject.toml ([tool.importlinter])."""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_roles_imports_nothing_from_postings():
    # Every roles/ module, management commands included, and imports inside functions too.
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
