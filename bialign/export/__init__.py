"""Write an `Alignment` as CSV, JSON, TMX or an HTML report.

Stage 6 of the pipeline (export). Every writer takes the result and an optional
``path_or_file``, and returns the text it produced:

* a ``str`` or `os.PathLike` writes the file atomically (a temporary file
  in the same folder, then `os.replace`), so a failed export never leaves a
  partial file behind;
* a text file object gets the text written to it (open CSV files with
  ``newline=""``);
* ``None`` only returns the text.

`write` picks the format from the file extension. `load_json` reads
the JSON form back into equal dataclasses.

Document order, shared by the CSV (``include_unaligned=True``) and the HTML
report: pairs keep their order in ``Alignment.pairs`` (English position); an
English-only segment comes right before the first pair whose first English
index is greater than its own; an Arabic-only segment comes right after the
pair holding the closest smaller Arabic index (after the Arabic-only segments
already placed there), or at the very top when no pair holds a smaller one.

The package holds one module per format (`_csv_format`, `_json_format`, `_tmx_format`,
`_html_report`, whose markup and style are the Jinja2 templates in `templates/`), the JSON
Schema (`_schema`), the shared option checks and document order (`_common`), the file
output (`_files`) and `write` with the tables of formats (`_write`); import everything
from `bialign.export` itself.
"""

from __future__ import annotations

# The underscored names (re-exported with `as`) are not public: bialign.corpus (option
# checks, TMX helpers), bialign.differences (nationality adjectives) and the tests (score
# bands, reliability table) import them from here.
from ._common import _check_min_score as _check_min_score
from ._common import _check_roles as _check_roles
from ._csv_format import (
    CSV_COLUMNS,
    CSV_LAYOUTS,
    CSV_LINK_COLUMNS,
    CSV_TIDY_COLUMNS,
    DIFFERENCES_CSV_COLUMNS,
    to_csv,
    to_differences_csv,
)
from ._files import PathOrFile as PathOrFile
from ._html_report import _NAME_MIN_SCORE as _NAME_MIN_SCORE
from ._html_report import _SCORE_BANDS as _SCORE_BANDS
from ._html_report import _is_nationality as _is_nationality
from ._html_report import _reliability as _reliability
from ._html_report import to_html
from ._json_format import load_json, to_json
from ._schema import FORMAT_VERSION, JSON_SCHEMA
from ._tmx_format import _XML_LANG as _XML_LANG
from ._tmx_format import TMX_MIN_SCORE, TMX_ROLES, check_language_tag, to_tmx
from ._tmx_format import _prop as _prop
from ._tmx_format import _tmx_date as _tmx_date
from ._tmx_format import _tmx_skeleton as _tmx_skeleton
from ._tmx_format import _tmx_text as _tmx_text
from ._tmx_format import _xml_text as _xml_text
from ._write import EXTENSIONS, FORMATS, WRITERS, format_options, write

__all__ = [
    "CSV_COLUMNS",
    "CSV_LAYOUTS",
    "CSV_LINK_COLUMNS",
    "CSV_TIDY_COLUMNS",
    "DIFFERENCES_CSV_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_VERSION",
    "JSON_SCHEMA",
    "TMX_MIN_SCORE",
    "TMX_ROLES",
    "WRITERS",
    "check_language_tag",
    "format_options",
    "load_json",
    "to_csv",
    "to_differences_csv",
    "to_html",
    "to_json",
    "to_tmx",
    "write",
]
