"""The README's summary tables, rendered from the kinds' contracts (:data:`orbital.kinds.KINDS`).

Each kind's table sits in README.md between ``<!-- summary-keys KIND -->`` and
``<!-- /summary-keys -->``; ``tests/test_kind_contract.py`` checks that the README holds exactly
what :func:`summary_table_markdown` renders. After changing a kind's ``SUMMARY_KEYS``, rewrite them::

    .venv/bin/python -m orbital.io.kind_docs README.md
"""

import re
import sys
from pathlib import Path

from orbital.kinds import KINDS, kind_spec

#: ``<!-- summary-keys KIND -->`` ... ``<!-- /summary-keys -->``: one kind's generated table.
_BLOCK = re.compile(r"(<!-- summary-keys (\w+) -->\n)(.*?)(<!-- /summary-keys -->)", re.DOTALL)


def summary_table_markdown(kind: str) -> str:
    """The Markdown table of kind ``kind``'s summary keys: key, unit, meaning (in declaration order)."""
    rows = ["| key | unit | meaning |", "|---|---|---|"]
    for key, declared in kind_spec(kind).summary.items():
        rows.append(f"| `{key}` | {declared.unit} | {_cell(declared.meaning)} |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Text for a table cell: a pipe would end the cell."""
    return text.replace("|", "\\|")


def readme_kinds(text: str) -> list[str]:
    """The kinds whose summary tables ``text`` holds, in order."""
    return [match.group(2) for match in _BLOCK.finditer(text)]


def with_summary_tables(text: str) -> str:
    """``text`` with every ``summary-keys`` block rewritten from its kind's contract (a KeyError for an unknown kind)."""
    return _BLOCK.sub(lambda m: m.group(1) + summary_table_markdown(m.group(2)) + m.group(4), text)


def main(argv: list[str]) -> int:
    """``python -m orbital.io.kind_docs README.md``: rewrite the file's summary tables in place."""
    if len(argv) != 1:
        print("usage: python -m orbital.io.kind_docs README.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    missing = [kind for kind in KINDS if kind not in readme_kinds(text)]
    path.write_text(with_summary_tables(text), encoding="utf-8")
    if missing:
        print(f"{path}: no summary-keys block for {', '.join(missing)}; add '<!-- summary-keys KIND -->' and "
              "'<!-- /summary-keys -->' lines where each table belongs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
