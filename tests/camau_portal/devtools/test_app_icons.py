from django.core.management import call_command
from PIL import Image

from camau_portal.devtools.app_icons import PORTAL_GREEN, draw_icon
from reports.intake.offline import APP_ICONS, THEME_COLOUR


def test_icons_are_drawn_at_their_size_with_the_pin_in_the_middle():
    icon = draw_icon(192, maskable=False)
    assert icon.size == (192, 192) and icon.mode == "RGBA"
    assert icon.getpixel((0, 0))[3] == 0  # rounded corners
    assert icon.getpixel((96, 10)) == (*PORTAL_GREEN, 255)
    assert icon.getpixel((96, 108)) == (255, 255, 255, 255)  # the pin's tail
    maskable = draw_icon(512, maskable=True)
    assert maskable.getpixel((0, 0)) == (*PORTAL_GREEN, 255)  # full bleed for any shape
    # Everything white lies inside the safe zone: the circle of 80% of the width.
    white = [
        (x, y)
        for x in range(0, 512, 4)
        for y in range(0, 512, 4)
        if maskable.getpixel((x, y))[:3] == (255, 255, 255)
    ]
    assert white and all((x - 256) ** 2 + (y - 256) ** 2 <= (0.4 * 512) ** 2 for x, y in white)


def test_the_command_writes_the_icons_the_manifest_lists(tmp_path):
    call_command("make_app_icons", folder=tmp_path)
    for name, sizes, _purpose in APP_ICONS:
        with Image.open(tmp_path / name.removeprefix("icons/")) as image:
            assert f"{image.width}x{image.height}" == sizes, name
    assert "#{:02x}{:02x}{:02x}".format(*PORTAL_GREEN) == THEME_COLOUR
