"""The loopback servers' HTTP server: a client hanging up early is not reported as an error."""

from http.server import BaseHTTPRequestHandler

import pytest

from snaplist_local.loopback_http import LoopbackHTTPServer


@pytest.fixture
def server():
    httpd = LoopbackHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    yield httpd
    httpd.server_close()


def test_given_a_client_that_hung_up_when_the_reply_fails_then_nothing_is_reported(server, capsys):
    try:
        raise BrokenPipeError(32, "Broken pipe")
    except BrokenPipeError:
        server.handle_error(None, ("127.0.0.1", 1))

    assert capsys.readouterr().err == ""


def test_given_a_real_handler_error_when_it_fails_then_the_traceback_is_reported(server, capsys):
    try:
        raise ValueError("a bug in a handler")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))

    assert "ValueError: a bug in a handler" in capsys.readouterr().err
