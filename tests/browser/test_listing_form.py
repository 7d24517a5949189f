"""The listing form in headless Chromium against `snaplist serve` with the offline model."""

from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT

SAMPLE = REPO_ROOT / ".." / "shared" / "samples" / "book" / "book-barcode-isbn-penguin.png"
SCREENSHOT = REPO_ROOT / "test-output" / "listing-form.png"
PHONE = {"width": 390, "height": 844}


def rendered_fields(page: Page) -> dict[str, dict[str, Any]]:
    return dict(
        page.eval_on_selector_all(
            ".field",
            """boxes => Object.fromEntries(boxes.map(box => [box.dataset.field, {
                tier: box.dataset.tier,
                badge: box.querySelector('.badge').textContent,
                value: (box.querySelector('input, textarea') || {}).value,
                placeholder: (box.querySelector('input, textarea') || {}).placeholder,
            }]))""",
        )
    )


def test_given_a_photo_when_the_seller_uploads_reviews_and_saves_then_the_api_has_the_edit(
    serve_url: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.goto(serve_url + "/")

        assert page.get_attribute("#photos", "accept") == "image/*"
        assert page.get_attribute("#photos", "capture") == "environment"
        page.set_input_files("#photos", str(SAMPLE))
        page.click("#start")
        page.wait_for_selector("#review:not([hidden])", timeout=180_000)
        listing_id = page.evaluate("document.body.dataset.listingId")
        progress = page.eval_on_selector_all("#uploads progress", "bars => bars.map(b => b.value)")
        shown = rendered_fields(page)
        draft = requests.get(f"{serve_url}/api/listings/{listing_id}", timeout=10).json()

        assert progress == [100]
        assert {name: field["tier"] for name, field in shown.items()} == {
            name: field["tier"] for name, field in draft["fields"].items()
        }
        tiers = {field["tier"] for field in shown.values()}
        assert tiers == {"green", "yellow", "empty"}
        green = next(name for name, field in shown.items() if field["tier"] == "green")
        yellow = next(name for name, field in shown.items() if field["tier"] == "yellow")
        empty = next(name for name, field in shown.items() if field["tier"] == "empty")
        assert shown[green]["badge"].startswith("Filled")
        assert shown[green]["value"] == str(draft["fields"][green]["value"])
        assert shown[yellow]["badge"].startswith("Check")
        assert shown[empty]["badge"] == "Empty"
        assert shown[empty]["value"] == ""
        assert shown[empty]["placeholder"] == draft["fields"][empty]["suggestion"]

        page.fill("#field-title", "Penguin paperback, ISBN on the back")
        page.fill("#field-price", "7.5")
        page.click("#save")
        page.wait_for_selector("body[data-saved='CONFIRMED']", timeout=30_000)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        saved_text = page.text_content("#save-state") or ""
        context.close()

    read_back = requests.get(f"{serve_url}/api/listings/{listing_id}", timeout=10).json()
    assert "Saved" in saved_text
    assert read_back["status"] == "CONFIRMED"
    assert read_back["fields"]["title"]["value"] == "Penguin paperback, ISBN on the back"
    assert read_back["fields"]["title"]["edited"] is True
    assert read_back["fields"]["price"]["value"] == 7.5
    assert read_back["fields"][green]["value"] == draft["fields"][green]["value"]
    assert SCREENSHOT.stat().st_size > 10_000
