"""The command line's options that several commands share, each said once (the README's command table lists them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from longcut.storyboard.schema import MAX_TAKE, SEED_LIMIT, Watermark

FilmArg = Annotated[Path, typer.Argument(help="the film's .yaml file", show_default=False)]
ShotArg = Annotated[str, typer.Argument(metavar="SHOT", help="the shot's id", show_default=False)]
StoreOption = Annotated[str | None, typer.Option("--store", help="the take store: a folder, or a URL such as "
                                                 "s3://bucket/film (default: .longcut beside the film)")]
SizeOption = Annotated[str | None, typer.Option("--size", help="render at another size, e.g. 640x360 or 480p "
                                                "(a draft: its takes are kept apart from full-size ones)")]
TakeOption = Annotated[str | None, typer.Option("--take", metavar="N|new", help="`new` for another take, or a take "
                                                "number")]
SeedOption = Annotated[int | None, typer.Option("--seed", min=0, max=SEED_LIMIT - 1, help="make a take with this seed")]
FormatOption = Annotated[str, typer.Option("--format", metavar="text|json", help="text, or json for a program")]
FilmOutOption = Annotated[Path | None, typer.Option("--out", "-o", help="the film to write (default: beside the film "
                                                    "file)")]
CutOfOption = Annotated[Path | None, typer.Option("--cut", help="the film as cut with --out (default: the film beside "
                                                  "the film file)")]
PresetOption = Annotated[str | None, typer.Option("--preset", help="deliver as 1080p, 720p, 4k, vertical, square or "
                                                  "portrait (default: the film's own size)")]
FitOption = Annotated[str, typer.Option("--fit", help="for a preset of another shape: crop, pad (on black) or blur "
                                        "(pad on a blurred copy)")]
LoudnessOption = Annotated[float, typer.Option("--loudness", min=-31.0, max=-5.0, help="integrated loudness target in "
                                               "LUFS: -14 (streaming), -16, -23 (broadcast)")]
TitlesOption = Annotated[bool, typer.Option("--titles/--no-titles", help="the opening title card and end credits")]
BurnOption = Annotated[bool, typer.Option("--burn-subtitles", help="draw the dialogue onto the picture too")]
WatermarkOption = Annotated[Watermark | None, typer.Option("--watermark", help="a visible AI mark on the film: in a "
                                                           "corner, moving every few seconds, or off (default: the "
                                                           "film's `watermark:`)")]
SignOption = Annotated[tuple[Path, Path] | None, typer.Option("--sign", metavar="CERT KEY", help="sign a C2PA "
                                                              "manifest with this certificate chain and private key "
                                                              "(PEM); needs longcut[sign]")]

# render
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="print the plan; render nothing")]
ExecutorOption = Annotated[str | None, typer.Option("--executor", metavar="local|ray", help="where shots are rendered "
                                                    "(default: the film's `executor:`, else local)")]
AddressOption = Annotated[str | None, typer.Option("--address", metavar="auto|HOST:PORT", help="the Ray cluster to "
                                                   "use (default: start Ray on this machine)")]
WorkersOption = Annotated[int | None, typer.Option("--workers", min=1, help="at most this many Ray workers")]
WatchOption = Annotated[bool, typer.Option("--watch", help="then, on every save of the film, a scene file, a reference "
                                           "or a sound: check, render what changed, cut again")]
RetakesOption = Annotated[bool, typer.Option("--retakes", help="first make a new take of every shot the review sent "
                                             "back (`longcut review`), and use it")]

# schema, graph, takes, export
SchemaKindArg = Annotated[str, typer.Argument(help="film (the film file) or scene (a scene file)")]
SchemaOutOption = Annotated[Path | None, typer.Option("--out", "-o", help="the schema file to write (default: print "
                                                      "it)")]
GraphOutOption = Annotated[Path | None, typer.Option("--out", "-o", help="the picture to write: .svg, .png or .dot "
                                                     "(default: print a tree)")]
SheetOutOption = Annotated[Path | None, typer.Option("--out", "-o", help="the contact sheet PNG to write (default: in "
                                                     "the store)")]
ExportFormatOption = Annotated[str, typer.Option("--format", "-f", help="otio, edl, xml (FCP 7: Premiere, Resolve), "
                                                 "fcpxml (Final Cut Pro), srt, vtt, or stems (dialogue, effects and "
                                                 "music WAVs)")]
ExportOutOption = Annotated[Path | None, typer.Option("--out", "-o", help="the file to write, or the folder for stems "
                                                      "(default: beside the film file)")]
StartOption = Annotated[str, typer.Option("--start", help="the record timecode of the first frame")]

# pick, board, status, report, conform
OldTakeArg = Annotated[int | None, typer.Argument(metavar="[TAKE]", min=1, max=MAX_TAKE, hidden=True,
                                                  help="deprecated: use --take")]
PickTakeOption = Annotated[int | None, typer.Option("--take", metavar="N", min=1, max=MAX_TAKE,
                                                    help="the take the cut uses from now on")]
CutAfterOption = Annotated[bool, typer.Option("--cut", help="then cut the film again, as it was last cut")]
BoardShotArg = Annotated[str | None, typer.Argument(metavar="[SHOT]", help="the shot whose keyframe to redo (with "
                                                    "--take or --seed)", show_default=False)]
OldShotOption = Annotated[str | None, typer.Option("--shot", hidden=True, help="deprecated: the shot is given by "
                                                   "position")]
KeyframeTakeOption = Annotated[str | None, typer.Option("--take", metavar="N|new", help="`new` for another keyframe "
                                                        "take, or a take number to use (made if missing)")]
VerifyOption = Annotated[bool, typer.Option("--verify", help="check every take the cut uses in full: hash its files "
                                            "and decode its clip; a damaged one is removed, to be rendered again")]
OldJsonOption = Annotated[bool, typer.Option("--json", hidden=True, help="deprecated: --format json")]
StrictOption = Annotated[bool, typer.Option("--strict", help="exit 1 when anything is flagged (for CI)")]
EditedArg = Annotated[Path, typer.Argument(help="the cut as an editing suite exported it: .otio, .edl or .xml",
                                           show_default=False)]

# review
PortOption = Annotated[int, typer.Option("--port", min=0, max=65535, help="the port (default: a free one)")]
HostOption = Annotated[str, typer.Option("--host", help="the address to listen on; any but loopback needs the token "
                                         "printed with the URL")]
OpenOption = Annotated[bool, typer.Option("--open", help="open the page in a browser")]
StaticOption = Annotated[Path | None, typer.Option("--static", metavar="DIR", help="write the page, its state and "
                                                   "proxies of the film and takes into DIR, to open from file://; no "
                                                   "server")]
AuthorOption = Annotated[str | None, typer.Option("--as", metavar="NAME", help="who the notes and verdicts are from "
                                                  "(default: $LONGCUT_AUTHOR, else your login name)")]
ImportNotesOption = Annotated[Path | None, typer.Option("--import", metavar="FILE", help="take in the notes a static "
                                                        "copy's page exported (each once); no server")]

# new, import
NewFolderArg = Annotated[Path, typer.Argument(help="the folder for the new film (made if missing)", show_default=False)]
TitleOption = Annotated[str, typer.Option("--title", help="the film's title")]
ScriptArg = Annotated[Path, typer.Argument(help="a Fountain (.fountain) or Final Draft (.fdx) screenplay",
                                           show_default=False)]
ImportFolderArg = Annotated[Path | None, typer.Argument(metavar="FOLDER", help="the folder for film.yaml and scenes/ "
                                                        "(made if missing)", show_default=False)]
OldOutOption = Annotated[Path | None, typer.Option("--out", "-o", hidden=True, help="deprecated: the folder is given "
                                                   "by position")]
ForceOption = Annotated[bool, typer.Option("--force", help="replace a film already in that folder")]
