"""The Python examples in the documentation run and print what the docs say."""

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", ["index.md", "mathematics.md"])
def test_doc_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(DOCS / name), module_relative=False, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0


def test_classical_results_page_is_current():
    """docs/classical-results.md and its picture are what the generating script writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_classical", DOCS / "make_classical_results.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "classical-results.md").read_text(encoding="utf-8") == module.render_page()
    assert (DOCS / "contraction-graphs.svg").read_text(encoding="utf-8") == module.render_svg()
    assert "INCOMPLETE" not in module.render_page()
