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
