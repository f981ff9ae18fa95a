"""Review: the film and every shot's takes in a browser; approve, send back, pick a take, pin notes to frames.

    decisions.py  the review file beside the lock file (`film.review.json`): verdicts and notes, validated,
                  written atomically; a shot's review status; the notes as the Cut's markers. It sits below the
                  use cases (engine.app), which read and write it; the rest of this package is a front end.
    state.py      what the page shows, as one JSON document (from the project, the last Cut, the report)
    server.py     the local server (`longcut review FILM`): the page, its state, media, writes, live events;
                  routes and JSON only, over the use cases of engine.app.review
    static.py     the same page as a folder that plays from file:// (`longcut review FILM --static DIR`)
    page/         the page itself: plain HTML, CSS and JavaScript (no build step, nothing fetched)

The proxies and thumbnails the page plays are made by engine.media.proxy and kept in the store.
"""
