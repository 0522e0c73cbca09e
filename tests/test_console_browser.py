"""The console in a real browser (headless Chromium), against a real ``mockgw serve`` that
boto3 populated: pages render without script errors, the Test panel runs TestInvokeMethod
without a reload, the request log refreshes itself, copy buttons copy, promoting a canary
changes the stage.  Screenshots are kept as test artifacts (``tests/browser.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockgw.testing import ServerProcess
from tests import browser as chromium
from tests.console_support import ACCOUNT, REGION, client, pets_api

pytestmark = pytest.mark.skipif(chromium.missing_reason() is not None,
                                reason=chromium.missing_reason() or "")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    with ServerProcess(env={"MOCKGW_SEED": "3"}) as started:
        yield started


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    yield from chromium.start_browser()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return chromium.artifacts_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def apis(server: ServerProcess) -> dict[str, str]:
    """A REST API with a canary on stage ``prod`` and an HTTP API, made with boto3."""
    apigw = client(endpoint_url=server.url)
    ids = pets_api(apigw, canary=40.0)
    v2 = client("apigatewayv2", endpoint_url=server.url)
    ids["http"] = v2.create_api(Name="orders", ProtocolType="HTTP",
                                Target="http://127.0.0.1:9/orders")["ApiId"]
    return ids


def console_url(server: ServerProcess, path: str = "") -> str:
    return f"{server.url}/_mockgw/console/{path}"


def api_url(server: ServerProcess, path: str) -> str:
    return console_url(server, f"{ACCOUNT}/{REGION}/{path}")


def no_errors(chrome: Any) -> None:
    assert chromium.severe_logs(chrome) == []


def test_the_front_page_lists_the_apis_and_links_to_them(server, chrome, apis, shots):
    from selenium.webdriver.common.by import By

    chrome.get(console_url(server))
    rows = [row.text for row in chrome.find_elements(By.CSS_SELECTOR, "table.list tbody tr")]
    assert any(row.startswith(f"pets {apis['api_id']} REST EDGE") for row in rows)
    assert any(row.startswith(f"orders {apis['http']} HTTP REGIONAL") for row in rows)
    chromium.screenshot(chrome, shots, "front-page")
    no_errors(chrome)
    chrome.find_element(By.LINK_TEXT, "pets").click()
    chromium.wait_for(chrome, lambda c: c.find_element(By.TAG_NAME, "h1").text.split() == [
        "pets", "REST", apis["api_id"]])
    tree = chrome.find_element(By.CSS_SELECTOR, "ul.tree").text
    assert "/pets" in tree and "/{petId}" in tree
    chromium.screenshot(chrome, shots, "rest-api")
    no_errors(chrome)


def test_the_test_panel_runs_test_invoke_method_without_a_reload(server, chrome, apis, shots):
    from selenium.webdriver.common.by import By

    chrome.get(api_url(server, f"restapis/{apis['api_id']}/resources/{apis['pets']}"
                               "/methods/GET"))
    assert "1 Method request" in chrome.find_element(By.ID, "method-request").text
    chrome.execute_script("window.stillHere = true")
    form = chrome.find_element(By.ID, "test-form")
    form.find_element(By.NAME, "query").send_keys("q=cats")
    form.find_element(By.NAME, "headers").send_keys("X-Who: grace")
    form.find_element(By.NAME, "variables").send_keys("v=browser")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    line = chromium.wait_for(chrome, lambda c: c.find_element(
        By.CSS_SELECTOR, "#test-result .result-line"))
    assert line.text.startswith("Status 200 · Latency ")
    result = chrome.find_element(By.ID, "test-result").text
    assert '"stage": "browser"' in result and '"q": "cats"' in result
    assert '"who": "grace"' in result
    assert "Method completed with status: 200" in result
    assert chrome.execute_script("return window.stillHere") is True  # no page load
    chrome.find_element(By.ID, "test").location_once_scrolled_into_view  # noqa: B018
    chromium.screenshot(chrome, shots, "method-test-panel")
    no_errors(chrome)


def test_the_stage_page_refreshes_its_request_log(server, chrome, apis, shots):
    from selenium.webdriver.common.by import By

    chrome.get(api_url(server, f"restapis/{apis['api_id']}/stages/prod"))
    urls = [el.text for el in chrome.find_elements(By.CSS_SELECTOR, "#invoke-urls code.url")]
    port = server.url.rsplit(":", 1)[1]
    assert urls[:3] == [
        f"http://{apis['api_id']}.execute-api.localhost:{port}/prod/",
        f"{server.url}/restapis/{apis['api_id']}/prod/_user_request_/",
        f"{server.url}/_aws/execute-api/{apis['api_id']}/prod/"]
    for url in urls[1:3]:  # what the page offers answers
        assert requests.get(url + "pets", timeout=10).status_code == 200
    for i in range(12):
        requests.get(f"{urls[1]}pets?n={i}", timeout=10)
    chromium.wait_for(chrome, lambda c: len(c.find_elements(
        By.CSS_SELECTOR, "#requests table.requests tbody tr")) >= 14)
    log = chrome.find_element(By.ID, "requests").text
    assert "/prod/pets" in log and "canary" in log
    assert chrome.find_element(By.CSS_SELECTOR, ".live-state").text.startswith("live")
    bars = chrome.find_elements(By.CSS_SELECTOR, "svg.latency rect.bar")
    assert len(bars) >= 14
    chromium.screenshot(chrome, shots, "stage-request-log")
    no_errors(chrome)

    chrome.find_element(By.CSS_SELECTOR, "#requests table.requests tbody tr a").click()
    chromium.wait_for(chrome, lambda c: c.find_elements(By.ID, "execution-log"))
    assert "Response" in chrome.find_element(By.ID, "response").text
    chromium.screenshot(chrome, shots, "request")
    no_errors(chrome)


def test_copy_buttons_copy_invoke_urls(server, chrome, apis):
    from selenium.webdriver.common.by import By

    chrome.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    chrome.get(api_url(server, f"restapis/{apis['api_id']}/stages/prod"))
    button = chrome.find_element(By.CSS_SELECTOR, "#invoke-urls button.copy")
    assert button.is_displayed()  # shown once the script runs (hidden without it)
    button.click()
    chromium.wait_for(chrome, lambda c: button.text == "Copied")
    copied = chrome.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))")
    assert copied == button.get_attribute("data-copy")
    assert copied.startswith(f"http://{apis['api_id']}.execute-api.localhost:")


def test_promoting_the_canary_from_the_stage_page(server, chrome, apis, shots):
    from selenium.webdriver.common.by import By

    apigw = client(endpoint_url=server.url)
    chrome.get(api_url(server, f"restapis/{apis['api_id']}/stages/prod"))
    chromium.screenshot(chrome, shots, "stage-canary")
    chrome.find_element(By.ID, "promote").click()
    alert = chromium.wait_for(chrome, lambda c: c.switch_to.alert)
    assert alert.text.startswith(f"Promote the canary? The stage will serve deployment "
                                 f"{apis['second']}")
    alert.accept()
    notice = chromium.wait_for(chrome, lambda c: c.find_element(By.CSS_SELECTOR, ".notice.ok"))
    assert notice.text.startswith("Canary promoted")
    stage = apigw.get_stage(restApiId=apis["api_id"], stageName="prod")
    assert stage["deploymentId"] == apis["second"]
    assert stage["variables"] == {"v": "two"}
    assert stage["canarySettings"]["percentTraffic"] == 0.0
    settings = chrome.find_element(By.ID, "settings").text.split()
    assert settings[settings.index("Deployment") + 1] == apis["second"]
    chromium.screenshot(chrome, shots, "stage-promoted")
    no_errors(chrome)

    # roll back: the older deployment's button, after confirming
    chrome.find_element(By.CSS_SELECTOR, "#deployments button.rollback").click()
    chromium.wait_for(chrome, lambda c: c.switch_to.alert).accept()
    chromium.wait_for(chrome, lambda c: c.find_element(By.CSS_SELECTOR, ".notice.ok"))
    assert apigw.get_stage(restApiId=apis["api_id"], stageName="prod")["deploymentId"] == \
        apis["first"]


def test_an_http_api_and_its_stage(server, chrome, apis, shots):
    from selenium.webdriver.common.by import By

    chrome.get(api_url(server, f"apis/{apis['http']}"))
    routes = chrome.find_element(By.ID, "routes").text
    assert "$default" in routes and "HTTP_PROXY" in routes
    chromium.screenshot(chrome, shots, "http-api")
    chrome.find_element(By.LINK_TEXT, "$default").click()
    chromium.wait_for(chrome, lambda c: c.find_elements(By.ID, "invoke-urls"))
    urls = chrome.find_element(By.ID, "invoke-urls").text
    assert f"{server.url}/_aws/execute-api/{apis['http']}/$default/" in urls
    chromium.screenshot(chrome, shots, "http-stage")
    no_errors(chrome)


def test_signing_in_with_the_admin_token(chrome, shots):
    from selenium.webdriver.common.by import By

    with ServerProcess(["--admin-token", "s3cret"]) as guarded:
        try:
            api_id = client(endpoint_url=guarded.url).create_rest_api(name="kept")["id"]
            chrome.get(console_url(guarded))
            assert "/_mockgw/console/sign-in?next=" in chrome.current_url
            chromium.screenshot(chrome, shots, "sign-in")
            chrome.find_element(By.NAME, "token").send_keys("s3cret")
            chrome.find_element(By.CSS_SELECTOR, "button.primary").click()
            chromium.wait_for(chrome, lambda c: c.current_url == console_url(guarded))
            assert api_id in chrome.find_element(By.CSS_SELECTOR, "table.list").text
            (cookie,) = chrome.get_cookies()
            assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) \
                == ("mockgw_admin", True, "Strict", "/_mockgw/")
            assert "s3cret" not in cookie["value"]
            no_errors(chrome)
            chrome.find_element(By.CSS_SELECTOR, ".sign-out button").click()
            chromium.wait_for(chrome, lambda c: "/sign-in" in c.current_url)
            assert chrome.get_cookies() == []
        finally:
            chrome.delete_all_cookies()
