"""Password reset by email, with links built from SITE_URL."""

from __future__ import annotations

import re

import pytest

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def site(settings) -> str:
    settings.SITE_URL = "https://baton.example"
    return settings.SITE_URL


def ask_for_reset(client, email: str):
    return client.post("/accounts/password-reset/", {"email": email})


def reset_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_reset_email_links_to_site_url_not_the_request_host(therapist, client, mailbox, site):
    response = ask_for_reset(client, therapist.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    [message] = mailbox
    assert message.to == [therapist.email]
    assert reset_link(message).startswith(f"{site}/accounts/reset/")
    assert "testserver" not in message.body


def test_reset_for_an_unknown_email_sends_nothing_and_looks_the_same(db, client, mailbox):
    response = ask_for_reset(client, "nobody@example.test")

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailbox == []


def test_reset_link_sets_a_new_password(therapist, client, mailbox, site, page_login):
    ask_for_reset(client, therapist.email)
    path = reset_link(mailbox[0]).removeprefix(site)

    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/reset/done/"
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert page_login(therapist.email, NEW_PASSWORD).status_code == 302


def test_reset_link_works_once(therapist, client, mailbox, site):
    ask_for_reset(client, therapist.email)
    path = reset_link(mailbox[0]).removeprefix(site)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(path, follow=True)

    assert not again.context["validlink"]


def test_completed_reset_unlocks_the_account(therapist, client, mailbox, site, token_login):
    for _ in range(5):
        token_login(therapist.email, "not-the-password")
    assert token_login(therapist.email, PASSWORD).status_code == 429

    ask_for_reset(client, therapist.email)
    form_page = client.get(reset_link(mailbox[0]).removeprefix(site), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert token_login(therapist.email, NEW_PASSWORD).status_code == 200


def test_reset_pages_carry_no_inline_script_or_style(db, client):
    for path in ["/accounts/password-reset/", "/accounts/password-reset/sent/"]:
        html = client.get(path).content.decode()
        # Scripts only from files the site serves: nothing inline for the CSP to block.
        scripts = re.findall(r"<script[^>]*>", html)
        assert all('src="/static/' in tag for tag in scripts)
        assert "<style" not in html and "style=" not in html


def test_a_completed_reset_ends_the_api_tokens(therapist, client, mailbox, site):
    from accounts.models import ApiToken
    from accounts.services import issue_token

    issue_token(therapist)
    ask_for_reset(client, therapist.email)
    path = reset_link(mailbox[0]).removeprefix(site)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not ApiToken.objects.filter(user=therapist).exists()
