"""The video directive and the lecture page: validation, HTML, and the player in Chromium."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect
from support.build import build_pages, build_small_project

from course_ext.components.video import VideoError, parse_chapters, time_label

LECTURE = "book/lecture.html"
VIDEO_ID = "Z6H3zakmn6E"
SYLLABUS_CHAPTERS = [
    (0, "0:00", "Recap"),
    (40, "0:40", "A simple example"),
    (224, "3:44", "requires_grad"),
    (404, "6:44", "backward function"),
    (545, "9:05", "chain rule on our example"),
    (960, "16:00", "Linear regression"),
    (1080, "18:00", "Gradient descent with NumPy"),
    (1650, "27:30", "PyTorch tensors"),
    (1890, "31:30", "Using autograd"),
    (2075, "34:35", "linear layer"),
    (2390, "39:50", "PyTorch optimizer"),
    (2640, "44:00", "Backprop algorithm"),
]


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "0:00"),
        (59, "0:59"),
        (60, "1:00"),
        (2640, "44:00"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (36000, "10:00:00"),
    ],
)
def test_labels_are_m_ss_under_an_hour_and_h_mm_ss_from_an_hour(seconds, label):
    assert time_label(seconds) == label


def test_chapters_parse():
    chapters = parse_chapters(["0 Recap", "", "40  A simple example (more in the practicals)"])
    assert [(c.seconds, c.title) for c in chapters] == [
        (0, "Recap"),
        (40, "A simple example (more in the practicals)"),
    ]


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["0 Recap", "40"], 2, "has no title"),
        (["0 Recap", "Recap again"], 2, "must start with whole seconds"),
        (["-5 Before"], 1, "cannot be negative"),
        (["1.5 Half"], 1, "must start with whole seconds"),
        (["0 A", "40 B", "30 C"], 3, "comes before the previous one"),
        (["0 A", "40 B", "40 C"], 3, "repeats the previous one"),
    ],
)
def test_bad_chapter_lines_are_rejected_with_their_line(lines, line, message):
    with pytest.raises(VideoError) as caught:
        parse_chapters(lines)
    assert caught.value.line == line and message in caught.value.message


def video_page(body: str, argument: str = VIDEO_ID) -> str:
    return f"# Page\n\n```{{video}} {argument}\n:title: A <b>lecture</b>\n{body}```\n"


def build(tmp_path, body: str, argument: str = VIDEO_ID):
    return build_small_project(tmp_path, video_page(body, argument))


BAD_INPUT = [
    ("Z6H3zakmn6", "0 Recap\n", 3, "is not a YouTube id"),
    ("Z6H3zakmn6E&t=1", "0 Recap\n", 3, "is not a YouTube id"),
    (VIDEO_ID, "0 Recap\n40\n", 6, "has no title"),
    (VIDEO_ID, "0 Recap\nabc Title\n", 6, "must start with whole seconds"),
    (VIDEO_ID, "0 Recap\n-3 Title\n", 6, "cannot be negative"),
    (VIDEO_ID, "0 Recap\n2.5 Title\n", 6, "must start with whole seconds"),
    (VIDEO_ID, "10 Recap\n5 Title\n", 6, "comes before"),
    (VIDEO_ID, "10 Recap\n10 Title\n", 6, "repeats"),
]


@pytest.mark.parametrize(("argument", "body", "line", "message"), BAD_INPUT)
def test_bad_directive_input_stops_the_build_naming_file_and_line(
    built_once, argument, body, line, message
):
    pages = [video_page(bad_body, bad_argument) for bad_argument, bad_body, _, _ in BAD_INPUT]
    _, result = built_once("bad-video-input", lambda path: build_pages(path, pages))
    assert result["returncode"] != 0
    case = BAD_INPUT.index((argument, body, line, message))
    assert re.search(rf"case{case}\.md:{line}:.*{message}", result["stderr"]), result["stderr"]


def test_the_html_escapes_titles_and_links_every_chapter(tmp_path):
    result = build(tmp_path, "0 Recap <script>x()</script>\n3725 Late\n")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    assert "<script>x()" not in html and "<b>lecture</b>" not in html
    soup = BeautifulSoup(html, "html.parser")
    play = soup.select_one("a.agv-play")
    assert play["href"] == f"https://www.youtube.com/watch?v={VIDEO_ID}"
    assert play["aria-label"] == "Play the video: A <b>lecture</b>"
    assert [a["href"] for a in soup.select("a.agv-chapter")] == [
        f"https://www.youtube.com/watch?v={VIDEO_ID}&t=0s",
        f"https://www.youtube.com/watch?v={VIDEO_ID}&t=3725s",
    ]
    assert [s.get_text() for s in soup.select(".agv-time")] == ["0:00", "1:02:05"]
    assert not soup.find("iframe"), "the player must not be in the page before play"


# --- the real lecture page ------------------------------------------------------------------


def test_lecture_page_lists_the_twelve_chapters_with_their_times(site):
    soup = BeautifulSoup((site / LECTURE).read_text(encoding="utf-8"), "html.parser")
    links = soup.select("a.agv-chapter")
    assert len(links) == 12
    for link, (seconds, label, words) in zip(links, SYLLABUS_CHAPTERS, strict=True):
        assert link["href"] == f"https://www.youtube.com/watch?v={VIDEO_ID}&t={seconds}s"
        assert link.select_one(".agv-time").get_text() == label
        assert words in link.get_text()


def test_lecture_page_has_credit_slides_lessons_colab_and_quiz(site):
    soup = BeautifulSoup((site / LECTURE).read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ")
    assert "Marc Lelarge" in text and "dataflowr" in text
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "https://raw.githubusercontent.com/dataflowr/slides/master/backprop.pdf" in hrefs
    for lesson in [
        "autograd_basics",
        "linear_regression",
        "backprop_practical",
        "backprop_challenge",
        "jax_bonus",
    ]:
        assert f"{lesson}.html" in hrefs
    for lesson in ["autograd_basics", "linear_regression", "backprop_practical"]:
        assert any(
            h.startswith("https://colab.research.google.com/")
            and h.endswith(f"book/{lesson}.ipynb")
            for h in hrefs
        ), f"no Colab link for {lesson}"
    questions = soup.select(".agq-quiz fieldset.agq-question")
    assert 8 <= len(questions) <= 12, "the module quiz has about ten questions"


# A stand-in for the YouTube IFrame API: the network is closed, so the test serves this
# instead and records what the page asks of the player.
STUB_API = """
window.__yt = [];
window.YT = { Player: class {
  constructor(iframe, options) {
    this.t = 0; window.__yt.push(['new', iframe.src, iframe.title, iframe.referrerPolicy]);
    setTimeout(() => { options.events.onReady({target: this});
                       options.events.onStateChange({data: 1}); }, 10);
  }
  seekTo(s) { this.t = s; window.__yt.push(['seekTo', s]); }
  playVideo() { window.__yt.push(['playVideo']); }
  getCurrentTime() { return this.t; }
}};
window.onYouTubeIframeAPIReady();
"""


@pytest.fixture
def lecture(browser, base_url):
    context = browser.new_context(bypass_csp=True)  # for wait_for_function: see support/browser.py
    page = context.new_page()
    foreign = []

    def route(r):
        url = r.request.url
        if url.startswith(base_url):
            r.continue_()
            return
        foreign.append(url)
        if url == "https://www.youtube.com/iframe_api":
            r.fulfill(status=200, content_type="text/javascript", body=STUB_API)
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(f"{base_url}/{LECTURE}", wait_until="networkidle")
    yield page, foreign
    context.close()


def calls(page):
    return page.evaluate("window.__yt || []")


@pytest.mark.slow
def test_nothing_is_requested_from_another_host_before_play(lecture):
    page, foreign = lecture
    page.mouse.wheel(0, 3000)  # scroll through the page: still nothing
    page.wait_for_load_state("networkidle")
    assert foreign == []
    assert page.locator("iframe").count() == 0


@pytest.mark.slow
def test_a_chapter_link_creates_the_player_and_seeks_it(lecture):
    page, foreign = lecture
    link = page.locator("a.agv-chapter", has_text="Linear regression")
    link.scroll_into_view_if_needed()
    scroll_before = page.evaluate("window.scrollY")
    link.click()
    expect(page.locator("iframe.agv-iframe")).to_have_count(1)
    page.wait_for_function("(window.__yt || []).some(c => c[0] === 'playVideo')")
    new, *rest = calls(page)
    assert new[0] == "new"
    assert new[1].startswith(f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}?")
    assert "enablejsapi=1" in new[1]
    assert new[2].startswith("Automatic differentiation")
    assert new[3] == "strict-origin-when-cross-origin"
    assert ["seekTo", 960] in rest
    assert page.url.endswith(LECTURE), "the page navigated away"
    assert page.evaluate("window.scrollY") == scroll_before, "the page jumped"
    assert "https://www.youtube.com/iframe_api" in foreign
    expect(page.locator("a.agv-chapter[aria-current=true]")).to_contain_text("Linear regression")

    # A second chapter seeks the same player: no new iframe, no reload.
    iframe_src = page.locator("iframe.agv-iframe").get_attribute("src")
    page.locator("a.agv-chapter", has_text="Backprop algorithm").click()
    page.wait_for_function("(window.__yt || []).some(c => c[0] === 'seekTo' && c[1] === 2640)")
    assert [c[0] for c in calls(page)].count("new") == 1
    assert page.locator("iframe.agv-iframe").get_attribute("src") == iframe_src
    expect(page.locator("a.agv-chapter[aria-current=true]")).to_contain_text("Backprop algorithm")


@pytest.mark.slow
def test_keyboard_reaches_and_uses_the_play_button_and_chapters(lecture):
    page, _ = lecture
    # Start from an element just before the video, as a reader tabbing down the page would.
    page.locator(".agv-video").evaluate(
        "v => { const b = document.createElement('button'); v.before(b); b.focus(); }"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('agv-play')"), "Tab missed play"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.agvSeconds") == "0"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.agvSeconds") == "40"
    page.keyboard.press("Enter")
    page.wait_for_function("(window.__yt || []).some(c => c[0] === 'seekTo' && c[1] === 40)")


@pytest.mark.slow
def test_play_button_starts_the_video_at_the_beginning(lecture):
    page, _ = lecture
    page.locator("a.agv-play").click()
    page.wait_for_function("(window.__yt || []).some(c => c[0] === 'playVideo')")
    assert not any(c[0] == "seekTo" for c in calls(page))
    assert "start=0" in calls(page)[0][1]


@pytest.mark.slow
def test_without_javascript_the_links_go_to_youtube_at_the_right_second(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
    page.goto(f"{base_url}/{LECTURE}")
    link = page.locator("a.agv-chapter", has_text="Using autograd")
    expect(link).to_have_attribute("href", f"https://www.youtube.com/watch?v={VIDEO_ID}&t=1890s")
    with page.expect_request(re.compile(r"youtube\.com/watch")) as request:
        link.click()
    assert request.value.url.endswith("&t=1890s")
    context.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [320, 375, 768])
def test_the_placeholder_keeps_its_button_whole_and_inside_on_a_phone(open_page, width):
    """At 375 px the play button used to be squeezed to nothing and drawn over the title.
    That it overlaps nothing is test_browser.py's check of every page; here, its size and
    that every part stays inside the frame."""
    page, _ = open_page(LECTURE, viewport={"width": width, "height": 800})
    boxes = page.evaluate(
        """() => Object.fromEntries(['.agv-frame', '.agv-play-icon', '.agv-play-title',
        '.agv-play-note'].map(s => { const r = document.querySelector(s).getBoundingClientRect();
        return [s, [r.left, r.top, r.right, r.bottom]]; }))"""
    )
    frame, icon, title, note = (boxes[s] for s in boxes)
    assert icon[2] - icon[0] >= 40 and icon[3] - icon[1] >= 40, f"the button is squeezed: {icon}"
    for part in (icon, title, note):
        assert frame[0] <= part[0] and part[2] <= frame[2], f"cut off: {part} in {frame}"
        assert frame[1] <= part[1] and part[3] <= frame[3], f"cut off: {part} in {frame}"
