"""What is measured of takes and films, kept by key in the store.

    measure.py   each clip's numbers (edge frames, colour, motion), made while its take is rendered
    identity.py  who is on screen: faces of a take's sampled frames (the optional `identity` extra)
    grade.py     colour matching a take toward the shot it continues (a LUT), and its graded copy
    report.py    the continuity report of a cut: seams, hard cuts, black and frozen frames, who is seen
"""
