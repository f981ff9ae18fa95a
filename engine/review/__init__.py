"""Review: the film and every shot's takes in a browser; approve, send back, pick a take, pin notes to frames.

    decisions.py  the review file beside the lock file (`film.review.json`): verdicts and notes, validated,
                  written atomically; a shot's review status; the notes as the Cut's markers
    state.py      what the page shows, as one JSON document (from the project, the last Cut, the report)
    proxy.py      small H.264 proxies of takes and the film, and thumbnails, made once and kept in the store
    server.py     the local server (`longcut review FILM`): the page, its state, media, writes, live events
    static.py     the same page as a folder that plays from file:// (`longcut review FILM --static DIR`)
    page/         the page itself: plain HTML, CSS and JavaScript (no build step, nothing fetched)
"""
