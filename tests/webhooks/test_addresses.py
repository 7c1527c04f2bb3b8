"""The address check (SSRF): webhooks go to public addresses only, unless the setting allows others."""

import pytest

from webhooks.addresses import AddressRefused, url_check


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",  # carrier-grade NAT
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(AddressRefused, match="private, loopback or link-local"):
        url_check(url, allow_private=False)
    url_check(url, allow_private=True)


def test_public_addresses_pass():
    url_check("https://93.184.215.14/hook", allow_private=False)
    url_check("http://[2606:4700:4700::1111]:8443/hook", allow_private=False)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://93.184.215.14/hook", "https://"),
        ("https:///hook", "no host"),
        ("https://user:pw@93.184.215.14/hook", "user name or password"),
        ("https://93.184.215.14:99999/hook", "port"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
    ],
)
def test_bad_urls_are_refused_naming_the_problem(url, problem):
    with pytest.raises(AddressRefused, match=problem):
        url_check(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://[::1/hook", "http://[not-an-address]/hook"])
def test_a_malformed_url_is_refused_not_an_error(url):
    with pytest.raises(AddressRefused, match="not well formed"):
        url_check(url, allow_private=True)


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "私有、回环或链路本地地址"), ("zh-hant", "私有、迴路或鏈路本地位址")]
)
def test_a_refusal_speaks_the_readers_language(language, words):
    from django.utils import translation

    with translation.override(language), pytest.raises(AddressRefused, match=words):
        url_check("http://127.0.0.1:8000/hook", allow_private=False)
