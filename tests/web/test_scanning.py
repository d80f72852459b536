"""Finding a weapon by its QR label with the camera, or by typing its id: both always lead there."""

from __future__ import annotations

import pytest

from .conftest import Crew

ON_THE_TABLET = pytest.mark.parametrize("viewport", ["tablet"])

#: A device whose browser has BarcodeDetector and a camera, which sees colt-2's label.
CAMERA_SEES_COLT_2 = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  async detect() { return [{ format: "qr_code", rawValue: "showclear:weapon:colt-2" }]; }
};
Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: async () => {
  const canvas = document.createElement("canvas");
  canvas.getContext("2d").fillRect(0, 0, 8, 8);
  return canvas.captureStream();
} } });
"""


@ON_THE_TABLET
def test_typed_entry_is_always_there_and_the_camera_button_only_where_it_can_work(
    crew: Crew,
) -> None:
    """Without BarcodeDetector (this Chromium) there is no camera button; typing the id works."""
    page = crew.page
    crew.sign_in("maria")
    page.get_by_role("link", name="Hand over", exact=True).click()
    assert page.locator(".scan-camera").first.is_hidden()
    page.get_by_label("Scan the label or type the weapon id").fill("colt-1")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(crew.ui("/weapons/colt-1/hand-over"))


@ON_THE_TABLET
def test_scanning_a_label_with_the_camera_opens_that_weapons_handover(crew: Crew) -> None:
    """Where the browser reads QR codes, one tap on Scan QR and the label picks the weapon."""
    page = crew.page
    page.add_init_script(CAMERA_SEES_COLT_2)
    crew.sign_in("maria")
    page.get_by_role("link", name="Hand over", exact=True).click()
    page.get_by_role("button", name="Scan QR").click()
    page.wait_for_url(crew.ui("/weapons/colt-2/hand-over"))
    assert "colt-2" in page.locator(".weapon-summary").inner_text()
