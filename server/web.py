"""GET /: the web page, for people without the extension.

Enter a Discogs username, upload the collection export, paste a release URL, or upload
a Spotify, Apple Music or Last.fm file, and get the same cards the extension shows. Plain HTML, CSS and JavaScript from
server/templates/web and server/static/web (no build step); the page calls the same
/api/v1 endpoints as everyone else, on the same origin.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .contract import operation

bp = Blueprint("web", __name__, template_folder="templates")

# Only our own files, no inline script, no framing: API data can never become code.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'; form-action 'self'")


@operation(bp, "GET", "/", summary="The web page: recommendations from a username, an export, "
           "a release URL or a Spotify, Apple Music or Last.fm file",
           response_content={"text/html": {"schema": {"type": "string"}}})
def page():
    response = render_template("web/index.html", demo=_serving_the_demo())
    return response, 200, {"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                           "X-Content-Type-Options": "nosniff",
                           "Referrer-Policy": "no-referrer"}


def _serving_the_demo() -> bool:
    """Whether the live index is the demo catalogue bundled with the package."""
    published = current_app.extensions.get("discogs_recs.index")
    try:
        return bool(published and published.current().manifest.get("demo"))
    except Exception:  # no index yet: the page still renders, the API says why
        return False

