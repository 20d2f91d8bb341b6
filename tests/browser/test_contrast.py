"""The way to urgent help is readable: "Need urgent help?" meets WCAG AA contrast on every phone."""

from ..conftest import PHONE, open_live_room

# WCAG 2.x relative luminance and contrast ratio, computed in the page from the colours it shows.
CONTRAST = """(element) => {
  const rgb = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!colour.startsWith("rgba(0, 0, 0, 0)") && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const luminance = (colour) => {
    const [r, g, b] = rgb(colour).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(getComputedStyle(element).color), luminance(background(element))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_need_urgent_help_meets_aa_contrast(live_server, new_context):
    room = open_live_room(live_server)
    page = new_context(PHONE).new_page()
    for path in ("/", f"/j/{room.join_token}"):
        page.goto(live_server.url + path)
        summary = page.get_by_text("Need urgent help?", exact=True).first
        assert summary.is_visible()
        assert summary.evaluate(CONTRAST) >= 4.5, path
