"""The `video` directive: a YouTube lecture behind a privacy facade, with chapter links.

    ```{video} Z6H3zakmn6E
    :title: Automatic differentiation
    0 Recap
    40 A simple example
    ```

Nothing is requested from YouTube (or any other host) until the learner presses play
or a chapter: the page shows a local placeholder. Each chapter is a real link to
`https://www.youtube.com/watch?v=ID&t=Ns`, so it works with JavaScript off and on
paper; agv-video.js turns it into "load the player if needed, seek, play" with the
player from youtube-nocookie.com, and highlights the chapter being played.
Why our own: sphinxcontrib-youtube embeds the iframe at page load (a request to
YouTube on every visit) and has no chapters.

This module owns all of the video's forms: the parsed chapters, the HTML, the notebook
form (a link to the video and one per chapter), the form for builders other than HTML
(the same links as plain nodes), and the words the learner reads (WORDS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes
from docutils.parsers.rst import directives

from ..errors import LocatedError
from .base import Component, CourseDirective, NodeForm, escaped

WORDS = {
    "play": "Play the video: {title}",
    "plays_from": "Plays from youtube-nocookie.com when you press play",
    "chapters": "Chapters",
    "watch": "Watch the video on YouTube: {title}",
}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
CHAPTER_LINE = re.compile(r"^(?P<seconds>\S+)(?:\s+(?P<title>.*\S))?\s*$")


class VideoError(LocatedError):
    """A mistake in the chapter lines of a video."""


@dataclass
class Chapter:
    seconds: int
    title: str
    line: int = 0  # in the directive's body, from 1


def time_label(seconds: int) -> str:
    """m:ss under an hour, h:mm:ss from an hour on."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def watch_url(video_id: str, seconds: int | None = None) -> str:
    url = f"https://www.youtube.com/watch?v={video_id}"
    return url if seconds is None else f"{url}&t={seconds}s"


def parse_chapters(lines: list[str]) -> list[Chapter]:
    """One `seconds title` per line; line numbers in errors count from 1."""
    chapters: list[Chapter] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = CHAPTER_LINE.match(line.strip())
        seconds_text, title = match["seconds"], match["title"]
        if not re.fullmatch(r"-?\d+", seconds_text):
            raise VideoError(
                f"chapter line must start with whole seconds, then a title: {line.strip()!r}",
                number,
            )
        seconds = int(seconds_text)
        if seconds < 0:
            raise VideoError(f"chapter time cannot be negative: {seconds}", number)
        if not title:
            raise VideoError(f"chapter at {seconds} s has no title", number)
        if chapters and seconds <= chapters[-1].seconds:
            word = "repeats" if seconds == chapters[-1].seconds else "comes before"
            raise VideoError(
                f"chapter at {seconds} s {word} the previous one ({chapters[-1].seconds} s): "
                "list chapters in increasing time",
                number,
            )
        chapters.append(Chapter(seconds, title, number))
    return chapters


class video(nodes.General, nodes.Element):
    """The facade, the player slot and the chapter list."""


class video_chapters(nodes.General, nodes.Element):
    """The <ol> of chapter links (children are inline nodes of each title)."""


class video_chapter(nodes.General, nodes.Element):
    """One chapter link."""


class VideoDirective(CourseDirective):
    prefix = "video"
    has_content = True
    required_arguments = 1
    option_spec = {"title": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        video_id = self.arguments[0]
        if not YOUTUBE_ID.match(video_id):
            raise self.error(
                f"video: {video_id!r} is not a YouTube id (11 letters, digits, - or _)"
            )
        title = self.options.get("title", "").strip()
        if not title:
            raise self.error(
                "video: give the video a :title: (the player and screen readers use it)"
            )
        try:
            chapters = parse_chapters(list(self.content))
        except VideoError as error:
            return self.fail(error)

        node = video(video_id=video_id, title=title)
        self.set_source_info(node)
        if chapters:
            listing = video_chapters()
            for chapter in chapters:
                item = video_chapter(seconds=chapter.seconds, video_id=video_id)
                item.extend(self.inline(chapter.title, chapter.line))  # markdown, not markup
                listing += item
            node += listing
        return [node]


def visit_video(self, node):
    words = escaped(self, WORDS)
    title = self.encode(node["title"])
    play = self.encode(WORDS["play"].format(title=node["title"]))
    data = {"data-agv-id": node["video_id"], "data-agv-title": node["title"]}
    self.body.append(self.starttag(node, "div", CLASS="agv-video", **data))
    self.body.append(
        '<div class="agv-frame">'
        f'<a class="agv-play" href="{self.encode(watch_url(node["video_id"]))}" '
        f'aria-label="{play}">'
        '<span class="agv-play-icon" aria-hidden="true"></span>'
        f'<span class="agv-play-title">{title}</span>'
        f'<span class="agv-play-note">{words["plays_from"]}</span>'
        "</a></div>\n"
    )


def depart_video(self, node):
    self.body.append("</div>\n")


def visit_chapters(self, node):
    words = escaped(self, WORDS)
    self.body.append(f'<p class="agv-chapters-title">{words["chapters"]}</p>')
    self.body.append(self.starttag(node, "ol", CLASS="agv-chapters"))


def depart_chapters(self, node):
    self.body.append("</ol>\n")


def visit_chapter(self, node):
    seconds = node["seconds"]
    href = self.encode(watch_url(node["video_id"], seconds))
    self.body.append(
        f'<li><a class="agv-chapter" href="{href}" data-agv-seconds="{seconds}">'
        f'<span class="agv-time">{time_label(seconds)}</span> <span class="agv-chapter-title">'
    )


def depart_chapter(self, node):
    self.body.append("</span></a></li>\n")


def as_plain_nodes(node: video) -> nodes.Element:
    """For builders other than HTML: a link to the video, then a list of chapter links."""
    url = watch_url(node["video_id"])
    watch = WORDS["watch"].format(title=node["title"])
    box = nodes.container(classes=["agv-video"])
    box += nodes.paragraph("", "", nodes.reference("", watch, refuri=url))
    listing = nodes.enumerated_list()
    for chapter in node.findall(video_chapter):
        link = nodes.reference("", "", refuri=watch_url(node["video_id"], chapter["seconds"]))
        link += nodes.Text(f"{time_label(chapter['seconds'])} ")
        link.extend(child.deepcopy() for child in chapter.children)
        listing += nodes.list_item("", nodes.paragraph("", "", link))
    if len(listing):
        box += listing
    return box


def notebook_form(block, site) -> list[str]:
    """The same links in a Colab notebook (which cannot load the page's player)."""
    title = block.options.get("title", "").strip()
    lines = [f"[{WORDS['watch'].format(title=title)}]({watch_url(block.argument)})", ""]
    for chapter in parse_chapters(block.body):
        link = watch_url(block.argument, chapter.seconds)
        lines.append(f"1. [{time_label(chapter.seconds)} {chapter.title}]({link})")
    return lines


VIDEO = Component(
    name="video",
    directives={"video": VideoDirective},
    nodes=(
        NodeForm(video, (visit_video, depart_video), plain=as_plain_nodes),
        NodeForm(video_chapters, (visit_chapters, depart_chapters)),
        NodeForm(video_chapter, (visit_chapter, depart_chapter)),
    ),
    assets=("agv-video.css", "agv-video.js"),
    used_by=(video,),
    marker="agv-video",
    # The iframe API and the player it loads; the player's frame, cookie-less.
    origins=(
        ("script-src", "https://www.youtube.com"),
        ("frame-src", "https://www.youtube-nocookie.com"),
    ),
    notebook_forms={"video": notebook_form},
)
RECORDS = (VIDEO,)
