"""The portal's WSGI application, counting each request's database queries, for the page
benchmark (``gunicorn camau_portal.devtools.serve_measured``).

Every query the request runs, middleware and a streamed body included, is counted until the
server closes the response; the count goes to the error log as
``measured-queries <count> <path>?<query>``, where the benchmark reads it. Nothing else
changes: the same settings, middleware and checks as ``camau_portal.wsgi``.
"""

import sys

from django.db import connection

from camau_portal.wsgi import application as portal


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class _Body:
    """The response body, passed through; reports the count when the server closes it."""

    def __init__(self, body, counter: _Counter, target: str):
        self._body, self._counter, self._target = body, counter, target

    def __iter__(self):
        return iter(self._body)

    def close(self):
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            if self._counter in connection.execute_wrappers:
                connection.execute_wrappers.remove(self._counter)
            sys.stderr.write(f"measured-queries {self._counter.count} {self._target}\n")
            sys.stderr.flush()


def application(environ, start_response):
    counter = _Counter()
    connection.execute_wrappers.append(counter)
    query = environ.get("QUERY_STRING", "")
    target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
    try:
        body = portal(environ, start_response)
    except BaseException:
        connection.execute_wrappers.remove(counter)
        raise
    return _Body(body, counter, target)
