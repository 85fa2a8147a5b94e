"""The OpenAPI paths this feature contributes validate inside the shared document and
cover every route its blueprints serve."""
from __future__ import annotations

import copy
import re

from flask import Flask
from openapi_spec_validator import validate

from server import collection_api, openapi, web


def merged_spec():
    spec = copy.deepcopy(openapi.SPEC)
    spec["paths"].update(collection_api.OPENAPI_PATHS)
    spec["paths"].update(web.OPENAPI_PATHS)
    spec["components"]["schemas"].update(collection_api.OPENAPI_SCHEMAS)
    return spec


def test_the_merged_document_validates():
    validate(merged_spec())


def test_every_route_of_these_blueprints_is_documented():
    app = Flask("probe")
    app.register_blueprint(collection_api.bp)
    app.register_blueprint(web.bp)
    spec = merged_spec()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not documented"
