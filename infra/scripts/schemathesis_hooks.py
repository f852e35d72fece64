"""schemathesis hooks of infra/scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

It also makes `ast.parse` take one caller at a time. Hypothesis parses the source of the
lambdas it filters with while drawing, and before Python 3.12 the parser's recursion count
is shared by every thread (python/cpython#106905): with two workers a run now and then died
of "SystemError: AST constructor recursion depth mismatch" inside schemathesis, a failure
of the tool, not of the API.

And two things schemathesis can't know from the document alone:

- How to sample a header whose pattern needs characters other than letters and digits
  (an entity tag is `"v3"`, quotes included): schemathesis then generates no valid value
  at all and sends a placeholder that breaks the pattern. The document names those
  patterns with a format (`entity-tags`, `version-tags`); here each format is registered
  with the pattern the document gives it, so valid values are drawn from it.
- Which refusals of a schema-valid request only the data can decide. A request can match
  the document and still name something that does not exist; the API answers those with a
  documented error, and they are not a gap in the document:
  - a cursor (`cursor`, `after`) of the right form that the API did not issue, or issued
    for another query or credential (only the server's key can tell);
  - ids that name nothing readable in the workspace (400 `INVALID_ITEM_REFERENCE`, or
    `invalid_request` on a stash's `project_id`);
  - a webhook `url` whose host does not resolve, or resolves to a private address (only
    DNS can tell).
  One rule is stated in the document's prose because no pattern can state it alike in
  every regex engine: `q` holds at most 8 words, a word being a run of Unicode letters and
  digits (engines disagree on which marks are letters), so a generated `q` of more words is
  refused with that reason.
  Those failures of the positive-data check are dropped, counted and listed at the end
  (`.cache/fuzz/data_dependent.json`); every other failure stands.
"""

import ast
import json
import os
import re
import threading

import schemathesis
from hypothesis import strategies as st

_parse = ast.parse
_parsing = threading.Lock()


def _one_parse_at_a_time(*args, **kwargs):
    with _parsing:
        return _parse(*args, **kwargs)


ast.parse = _one_parse_at_a_time

SAMPLED_FORMATS = {"entity-tags", "version-tags"}

_registered = set()


def _register_formats(node):
    if isinstance(node, dict):
        fmt, pattern = node.get("format"), node.get("pattern")
        if fmt in SAMPLED_FORMATS and isinstance(pattern, str) and fmt not in _registered:
            schemathesis.openapi.format(fmt, st.from_regex(re.compile(pattern), fullmatch=True))
            _registered.add(fmt)
        for value in node.values():
            _register_formats(value)
    elif isinstance(node, list):
        for value in node:
            _register_formats(value)


@schemathesis.hook
def before_load_schema(context, raw_schema):
    _register_formats(raw_schema)


def _error(response):
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _why_data_dependent(response):
    if response.status_code != 400:
        return None
    error = _error(response)
    details = error.get("details") if isinstance(error.get("details"), dict) else {}
    message = str(error.get("message", ""))
    if error.get("code") == "INVALID_ITEM_REFERENCE":
        return "ids that name nothing readable"
    if details.get("field") in ("cursor", "after"):
        return "a well-formed cursor the API did not issue for this query"
    if details.get("field") == "project_id" and "is not a project" in message:
        return "a project id that names no project of the workspace"
    if details.get("field") == "url" and ("resolved" in message or "private" in message):
        return "a webhook host that does not resolve to a public address"
    if details.get("field") == "q" and re.fullmatch(r"q holds \d+ words; at most 8 are allowed", message):
        return "a q of more than 8 words (the limit the description states)"
    return None


_dropped = []


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if type(failure).__name__ != "RejectedPositiveData":
        return True
    why = _why_data_dependent(response)
    if why is None:
        return True
    _dropped.append(
        {
            "operation": f"{case.method} {case.path}",
            "why": why,
            "answer": _error(response),
        }
    )
    out = os.environ.get("FUZZ_DATA_DEPENDENT_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(_dropped, f, indent=1)
    return False
