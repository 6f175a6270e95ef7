"""Project-wide middleware and headers: the body limit, caching and the security headers."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from config.tests.test_settings import production_env, setup_django

pytestmark = pytest.mark.django_db

ONE_MIB = 1024 * 1024
TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
STATIC_FILE = "/static/css/baton.css"


# --- Body size ---------------------------------------------------------------------------------------


def test_a_json_body_over_one_mebibyte_gets_413_naming_the_limit(client):
    body = json.dumps({"email": "pt@riverside.test", "password": "x" * ONE_MIB})

    response = client.post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is larger than 1 MiB.",
        "code": "payload_too_large",
    }


def test_a_form_body_over_one_mebibyte_gets_413_before_any_parsing(client):
    response = client.post(
        LOGIN_URL, b"email=a%40b.test&password=" + b"x" * ONE_MIB, content_type="text/plain"
    )

    assert response.status_code == 413
    assert "1 MiB" in response.json()["detail"]


def test_a_body_of_exactly_one_mebibyte_is_let_through(client):
    padding = ONE_MIB - len(json.dumps({"email": "a@b.test", "password": ""}))
    body = json.dumps({"email": "a@b.test", "password": "x" * padding})
    assert len(body) == ONE_MIB

    response = client.post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code != 413


# --- Caching -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN_URL, "/", "/api/v1/notifications/", "/no-such-page/"])
def test_dynamic_responses_are_never_stored(client, path):
    cache_control = client.get(path)["Cache-Control"]

    assert "no-store" in cache_control
    assert "private" in cache_control


def test_static_files_keep_their_own_caching(client, settings):
    """As production serves them: WhiteNoise in front of the project's middleware."""
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = client.get(STATIC_FILE)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_no_store_leaves_anything_under_the_static_url_alone(rf):
    from django.http import HttpResponse

    from core.middleware import NoStoreMiddleware

    def static_file(request):
        response = HttpResponse("body { }", content_type="text/css")
        response["Cache-Control"] = "max-age=60, public"
        return response

    response = NoStoreMiddleware(static_file)(rf.get(STATIC_FILE))

    assert response["Cache-Control"] == "max-age=60, public"


# --- Security headers --------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response) -> None:
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert "*" not in header.split()
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


@pytest.fixture
def production_like(settings):
    """The security settings DJANGO_ENV=production turns on, in this process."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


@pytest.mark.parametrize("path", [LOGIN_URL, "/", "/api/docs/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_strict_csp(response)


def test_production_pages_carry_the_security_headers(client, production_like):
    response = client.get(LOGIN_URL, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert_strict_csp(response)
    assert response.cookies["csrftoken"]["secure"] is True


def test_production_redirects_plain_http_to_https(client, production_like):
    response = client.get(LOGIN_URL)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{LOGIN_URL}"


def test_development_sends_no_hsts(client):
    assert settings.SECURE_HSTS_SECONDS == 0
    assert "Strict-Transport-Security" not in client.get(LOGIN_URL, secure=True)


PRODUCTION_REQUESTS = """
    import json
    from django.test import Client

    client = Client(HTTP_HOST="baton.example")
    seen = {}
    for name, path, extra in [
        ("plain", "/api/schema/", {}),
        ("behind_tls_proxy", "/api/schema/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ]:
        response = client.get(path, **extra)
        seen[name] = {"status": response.status_code, "headers": dict(response.headers)}
    print(json.dumps(seen))
"""


def test_real_production_settings_send_the_security_headers(tmp_path):
    """Not overrides: DJANGO_ENV=production itself, in a new process, behind a TLS proxy."""
    result = setup_django(production_env(tmp_path), PRODUCTION_REQUESTS)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)

    assert seen["plain"]["status"] == 301
    assert seen["plain"]["headers"]["Location"] == "https://baton.example/api/schema/"
    proxied = seen["behind_tls_proxy"]
    assert proxied["status"] == 200
    headers = proxied["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert "no-store" in headers["Cache-Control"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "object-src 'none'" in headers["Content-Security-Policy"]


def test_api_docs_page_has_no_inline_script_or_style(client):
    """The policy above blocks inline code: the docs page must load everything from files."""
    html = client.get("/api/docs/").content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert html.count("<script") == html.count("<script src=")
