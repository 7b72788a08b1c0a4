"""The page in a real headless browser (Debian's chromium + chromedriver, driven by selenium)."""

from tests_support import needs_browser

pytestmark = needs_browser


def test_a_seed_article_is_highlighted_and_summarised(browser, live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/")
    browser.find_element(By.CSS_SELECTOR, "button.example").click()
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: "North Korea" in b.find_element(By.ID, "text").get_attribute("value"))
    browser.find_element(By.ID, "analyse").click()
    wait.until(ready.visibility_of_element_located((By.ID, "results")))

    marks = browser.find_elements(By.CSS_SELECTOR, "#sentences mark.mention")
    highlighted = {m.get_attribute("data-country") for m in marks}
    assert {"China", "Russia", "North Korea", "United States"} <= highlighted
    assert all(m.get_attribute("data-stance") in {"supportive", "concerned", "silent"} for m in marks)
    assert all("polarity" in m.get_attribute("title") for m in marks)
    summary = {row.get_attribute("data-country") for row in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")}
    assert highlighted <= summary and {"China", "Russia", "North Korea", "United States"} <= summary
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart .bar-row")) == len(summary)
    assert browser.save_screenshot(str(tmp_path / "page.png"))


def test_a_development_typed_in_the_page_is_sent_with_the_text(browser, live_server):
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/")
    browser.execute_script(
        "window.sentBodies = []; const original = window.fetch;"
        "window.fetch = (url, options) => { window.sentBodies.push(options && options.body); return original(url, options); };"
    )
    browser.find_element(By.ID, "text").send_keys("Japan welcomed the accord.")
    browser.find_element(By.ID, "development").send_keys("the fisheries accord")
    browser.find_element(By.ID, "analyse").click()
    WebDriverWait(browser, 30).until(ready.visibility_of_element_located((By.ID, "results")))
    [body] = [json.loads(b) for b in browser.execute_script("return window.sentBodies;") if b]
    assert body == {"text": "Japan welcomed the accord.", "development": "the fisheries accord"}
