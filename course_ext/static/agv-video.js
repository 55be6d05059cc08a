// @ts-check
// Lecture videos: a local facade until the learner asks for the video, then the
// youtube-nocookie player; chapter links seek it instead of leaving the page.
// Without this script the facade and the chapters are plain links to YouTube.
"use strict";

(() => {
  const API_URL = "https://www.youtube.com/iframe_api";
  const PLAYER_HOST = "https://www.youtube-nocookie.com";

  /** @type {Promise<any> | null} */
  let apiPromise = null;

  /** Load the IFrame Player API once, on the first request for a video. */
  function loadApi() {
    if (!apiPromise) {
      apiPromise = new Promise((resolve) => {
        const w = /** @type {any} */ (window);
        const previous = w.onYouTubeIframeAPIReady;
        w.onYouTubeIframeAPIReady = () => {
          if (typeof previous === "function") previous();
          resolve(w.YT);
        };
        const script = document.createElement("script");
        script.src = API_URL;
        script.async = true;
        document.head.append(script);
      });
    }
    return apiPromise;
  }

  /** @param {HTMLElement} box */
  function setUp(box) {
    const id = box.dataset.agvId || "";
    const title = box.dataset.agvTitle || "Video";
    const frame = /** @type {HTMLElement} */ (box.querySelector(".agv-frame"));
    const chapters = Array.from(box.querySelectorAll(".agv-chapter")).map(
      (a) => /** @type {HTMLAnchorElement} */ (a),
    );
    /** @type {any} */
    let player = null;
    /** @type {Promise<any> | null} */
    let ready = null;
    let timer = 0;

    function highlight() {
      if (!player || typeof player.getCurrentTime !== "function") return;
      const now = player.getCurrentTime();
      let current = null;
      for (const link of chapters) {
        if (Number(link.dataset.agvSeconds) <= now + 0.5) current = link;
      }
      for (const link of chapters) {
        if (link === current) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
    }

    /** Create the player on first use; later calls reuse it (no iframe reload). */
    function ensurePlayer(/** @type {number} */ start) {
      if (ready) return ready;
      const iframe = document.createElement("iframe");
      const params = new URLSearchParams({
        enablejsapi: "1", autoplay: "1", rel: "0", start: String(Math.floor(start)),
        origin: window.location.origin,
      });
      iframe.src = `${PLAYER_HOST}/embed/${encodeURIComponent(id)}?${params}`;
      iframe.title = title;
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      iframe.allowFullscreen = true;
      iframe.className = "agv-iframe";
      frame.replaceChildren(iframe);
      box.classList.add("agv-playing");
      ready = loadApi().then((YT) => new Promise((resolve) => {
        player = new YT.Player(iframe, {
          events: {
            onReady: () => resolve(player),
            onStateChange: (/** @type {{data: number}} */ event) => {
              window.clearInterval(timer);
              if (event.data === 1) timer = window.setInterval(highlight, 1000); // playing
              highlight();
            },
          },
        });
      }));
      return ready;
    }

    /** @param {number} seconds */
    function playFrom(seconds) {
      const fresh = !ready;
      ensurePlayer(seconds).then((p) => {
        // A new player starts near `start`, but only a seek is exact; a live one must seek.
        if (!fresh || seconds > 0) p.seekTo(seconds, true);
        p.playVideo();
        highlight();
      });
    }

    box.querySelector(".agv-play")?.addEventListener("click", (event) => {
      event.preventDefault();
      playFrom(0);
    });
    for (const link of chapters) {
      link.addEventListener("click", (event) => {
        event.preventDefault(); // stay on the page, keep the reader's place
        playFrom(Number(link.dataset.agvSeconds));
      });
    }
  }

  const start = () => {
    for (const box of document.querySelectorAll(".agv-video")) {
      try {
        setUp(/** @type {HTMLElement} */ (box));
      } catch (error) {
        console.warn("video:", error); // its links still open the video on YouTube
      }
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
