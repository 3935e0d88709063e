"""MkDocs hooks: fail the build when a page shows a reST role that nothing rendered.

The docstrings are Google style with Markdown backticks; mkdocstrings does not
render reST roles such as ``:class:`X``` and would print them literally.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.exceptions import PluginError

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const|ref):(?:`|<code>)")


def on_page_content(html: str, page: Any, **_: Any) -> str:
    found = sorted({m.group(0) for m in _ROLE.finditer(html)})
    if found:
        raise PluginError(
            f"{page.file.src_uri}: unrendered reST role(s) {', '.join(found)}; "
            "write `Name` (Markdown backticks) in docstrings instead"
        )
    return html
