"""The analyst's whole loop in the page, in headless chromium against the real server (`stance
serve` in its own process, the tiny model): analyse a seed article with a development, correct
one chip, see it stored, queue two documents, label three items with the keyboard, retrain,
see the decision, roll back. Screenshots go to runs/screenshots/ (the README shows one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from tests_support import ADMIN, TOKEN, live_server_process, needs_browser, service_world

pytestmark = needs_browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "runs" / "screenshots"
DEVELOPMENT = "the North Korea-Russia partnership"
QUEUE_FILE = "\n".join([
    '{"id": "wire-1", "text": "Japan welcomed the accord. China warned it would inflame tensions. France abstained in the vote.", "development": "the accord"}',
    '{"id": "wire-2", "text": "Germany voiced alarm as Poland signed the deal. Brazil stayed neutral on the plan. Italy endorsed the plan."}',
])
WAIT = 60


@pytest.fixture
def loop_server(tmp_path, tiny_checkpoint, tiny_config, tiny_data):
    world = service_world(tmp_path, tiny_checkpoint, tiny_config, tiny_data, TOKEN)
    env = {
        "STANCE_CHECKPOINT": str(tiny_checkpoint), "STANCE_CHECKPOINTS_DIR": world.settings.checkpoints_dir,
        "STANCE_STATE_DIR": world.settings.state_dir, "STANCE_RETRAIN_CONFIG": str(world.config), "STANCE_ADMIN_TOKEN": TOKEN,
        # One document a request: the page must split the queue file to the limits it reads.
        "STANCE_MAX_BATCH_DOCUMENTS": "1",
    }
    try:
        with live_server_process(env) as (url, _):
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


def screenshot(browser, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    assert browser.save_screenshot(str(path))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)


def test_an_analyst_corrects_labels_the_queue_retrains_and_rolls_back_in_the_page(browser, loop_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    find = browser.find_element
    api = httpx.Client(base_url=loop_server, timeout=30)
    browser.get(loop_server + "/")

    # Read-only until the token is given.
    assert "Read-only" in find(By.ID, "admin-state").text
    find(By.ID, "token").send_keys(TOKEN)
    find(By.ID, "token-save").click()
    wait.until(lambda b: find(By.ID, "admin").get_attribute("data-admin") == "true")

    # 1. Analyse a seed article with a development.
    find(By.CSS_SELECTOR, "button.example").click()
    wait.until(lambda b: "North Korea" in find(By.ID, "text").get_attribute("value"))
    find(By.ID, "development").send_keys(DEVELOPMENT)
    find(By.ID, "analyse").click()
    wait.until(ready.visibility_of_element_located((By.ID, "results")))

    # 2. Correct one chip: choose a label other than the proposed one.
    chip = find(By.CSS_SELECTOR, "#sentences button.chip")
    proposed, country = chip.get_attribute("data-stance"), chip.get_attribute("data-country")
    chip.click()
    other = next(label for label in ("supportive", "concerned", "silent") if label != proposed)
    find(By.CSS_SELECTOR, f".correction button.choice[data-label='{other}']").click()
    wait.until(lambda b: "saved" in chip.get_attribute("class").split())
    assert chip.get_attribute("data-stance") == other
    stats = api.get("/v1/labels/stats").json()
    assert stats["by_source"] == {"page": 1} and stats["by_country"][country] == 1
    [stored] = api.get("/v1/labels/export", headers=ADMIN).text.splitlines()
    assert f'"{country}": "{other}"' in stored and DEVELOPMENT in stored
    screenshot(browser, tmp_path, "analysis-corrected")

    # 3. Submit two documents to the queue and label three items with the keyboard.
    queue_file = tmp_path / "wire.jsonl"
    queue_file.write_text(QUEUE_FILE, encoding="utf-8")
    find(By.ID, "review-file").send_keys(str(queue_file))
    find(By.ID, "review-submit").click()
    wait.until(lambda b: "Queued 2 documents" in find(By.ID, "review-status").text)
    wait.until(lambda b: api.get("/v1/review/next", headers=ADMIN).json()["pending_documents"] == 0)
    find(By.ID, "review-start").click()
    card = wait.until(ready.visibility_of_element_located((By.ID, "review-card")))
    for key in ("1", "2", Keys.ENTER):
        shown = card.get_attribute("data-item")
        card.send_keys(key)
        wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, f"#review-done li[data-item='{shown}']")) == 1)
    assert api.get("/v1/labels/stats").json()["by_source"] == {"page": 4}
    labelled = {line for line in api.get("/v1/labels/export", headers=ADMIN).text.splitlines()}
    assert len(labelled) == 4
    screenshot(browser, tmp_path, "review-queue")

    # 4. Retrain, see the decision with both models' macro-F1, then roll back.
    find(By.ID, "retrain").click()
    wait.until(lambda b: find(By.ID, "retrain-status").get_attribute("data-state") in ("succeeded", "rejected", "failed"))
    assert find(By.ID, "retrain-status").get_attribute("data-state") == "succeeded", find(By.ID, "retrain-status").text
    wait.until(ready.visibility_of_element_located((By.ID, "decision")))
    assert find(By.ID, "decision").get_attribute("data-promoted") == "true"
    assert find(By.CSS_SELECTOR, "#decision td.candidate").text and find(By.CSS_SELECTOR, "#decision td.served").text
    promoted = api.get("/v1/models").json()["current"]
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, f"#versions tr[data-version='{promoted}']"))
    screenshot(browser, tmp_path, "retrained")
    find(By.ID, "rollback").click()
    wait.until(lambda b: find(By.ID, "retrain-status").get_attribute("data-state") == "rolled-back")
    assert api.get("/v1/models").json()["current"] is None
