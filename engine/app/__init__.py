"""The use cases: what a command or the review page does, as a function of typed inputs that returns a typed result.

Nothing here prints, parses arguments or speaks HTTP. The front ends sit above: `engine/cli.py` (parsing) with
`engine/terminal/` (printing), and `engine/review/server.py` (routing and JSON). One module per use case; each
opens the film through `Project` (app/project.py): a film on disk and what longcut keeps beside it.
"""
