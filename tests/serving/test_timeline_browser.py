"""The timeline chart in the page, for an uploaded file of dated documents (headless chromium)."""

import json
import shutil
from pathlib import Path

from tests_support import needs_browser

pytestmark = needs_browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "runs" / "screenshots"
DOCUMENTS = [
    {"id": "a", "date": "2024-01-03", "text": "Japan welcomed the accord. China warned against it."},
    {"id": "b", "date": "2024-02-20", "text": "China criticised the accord, while Japan hailed it."},
    {"id": "c", "date": "2024-03-11", "text": "Japan endorsed the plan. China stayed silent."},
]


def test_an_uploaded_file_of_dated_documents_is_charted_one_line_per_country(browser, live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    corpus = tmp_path / "dated.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in DOCUMENTS), encoding="utf-8")
    browser.get(live_server + "/")
    browser.find_element(By.ID, "timeline-file").send_keys(str(corpus))
    browser.find_element(By.ID, "timeline-run").click()
    WebDriverWait(browser, 30).until(ready.visibility_of_element_located((By.ID, "timeline-results")))
    lines = {line.get_attribute("data-country") for line in browser.find_elements(By.CSS_SELECTOR, "#timeline-chart path.line")}
    assert lines == {"Japan", "China"}
    periods = {row.get_attribute("data-period") for row in browser.find_elements(By.CSS_SELECTOR, "#timeline-table tbody tr")}
    assert periods == {"2024-01", "2024-02", "2024-03"}
    assert browser.save_screenshot(str(tmp_path / "timeline.png"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "timeline.png", SCREENSHOTS / "timeline.png")
