"""The suite's own layout: tests share helpers through tests/helpers.py (and rows through
tests/factories.py), so no test module leans on another or keeps its own copy of a helper."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def defined_names(path: Path) -> list[str]:
    """The functions, classes and constants a module defines at its top level."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return names


SHARED = set(defined_names(TESTS / "helpers.py"))


def python_files() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


def is_test_module(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imported_modules(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            # `from tests.postings import test_recruiters` names the module as the imported name.
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    offenders = [
        f"{path.relative_to(TESTS)} imports {module}"
        for path in python_files()
        for module in imported_modules(ast.parse(path.read_text()))
        if module.startswith("tests.") and is_test_module(module)
    ]

    assert offenders == []


def test_no_test_module_defines_its_own_copy_of_a_shared_helper():
    copies = [
        f"{path.relative_to(TESTS)}: {name}"
        for path in python_files()
        if path.name.startswith("test_")
        for name in defined_names(path)
        if name in SHARED
    ]

    assert copies == []


def test_the_layout_checks_see_the_helpers_they_guard():
    # Guards the guards: an empty list of shared names would let every copy pass.
    assert {"JOBS", "RESULT_TITLE", "JSON_LD", "titles", "posting_data", "signup_data"} <= SHARED
