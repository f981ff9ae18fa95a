"""Media in and out: the one place that runs ffmpeg, and what reads and writes pictures and files of the film.

    ffmpeg.py   ffmpeg's argument lists (never a shell), its binary (the system's, else imageio-ffmpeg's), encoders
                and decoders of raw frames; the only module that starts a process
    check.py    every picture and sound file a film names, decoded once before a command reads it
    footage.py  a clip made elsewhere, probed and conformed to the film's size and rate
    text.py     text on frames and sheets: one font, one way of fitting, the only module that draws text
    xmp.py      the AI label (XMP) appended to every MP4 longcut writes
    proxy.py    small H.264 proxies and thumbnails for the review page, made once and kept in the store
"""
