"""The demo catalogue bundled with the package, built when the dumps cannot be reached.

1,000 releases and 1,000 masters of the official 2020-08-06 dump (CC0), the excerpt
published by philipmat/discogs-xml2db in its tests/samples (Apache-2.0); see NOTICE.
An index built from them says so: `"demo": true` in its manifest and in GET
/api/v1/index, and a line in the web page's footer.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict

FOLDER = Path(__file__).resolve().parent
RELEASES = FOLDER / "discogs_20200806_releases.xml.gz"
MASTERS = FOLDER / "discogs_20200806_masters.xml.gz"
DESCRIPTION = ("the demo catalogue bundled with the package (1,000 releases and 1,000 masters "
               "of the 2020-08-06 dump)")


def inputs() -> Dict[str, str]:
    return {"releases": str(RELEASES), "masters": str(MASTERS)}
