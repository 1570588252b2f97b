"""Documentation meta-tests: every kernel hook is documented in docs/hooks.md (Datasette style)."""

import inspect
import re
from pathlib import Path

import pytest

from kernel import hookspecs

DOCS = Path(__file__).resolve().parent.parent / "docs"


def kernel_hook_names() -> list[str]:
    return sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
                  if hasattr(fn, "qutecat_spec"))


def documented_hooks() -> set[str]:
    return set(re.findall(r"^## (\w+)\s*$", (DOCS / "hooks.md").read_text(), re.M))


@pytest.mark.parametrize("hook", kernel_hook_names())
def test_plugin_hooks_are_documented(hook):
    # given docs/hooks.md
    # then each kernel hook has its own "## <name>" section
    assert hook in documented_hooks(), f"docs/hooks.md has no '## {hook}' section"


@pytest.mark.parametrize("hook", kernel_hook_names())
def test_plugin_hooks_have_docstrings(hook):
    # given the hookspec
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    # then it says what it receives or returns
    assert len(doc) > 40, f"{hook} needs a docstring"


def test_plugin_docs_name_the_example_plugin():
    # given the plugin author's guide
    guide = (DOCS / "plugins.md").read_text()
    # then it walks through the example plugin and the test kit
    assert "examples/hello_plugin" in guide and "tests/pluginkit.py" in guide
