"""Whether the picture and sound files a film names can be read, checked at `longcut check` (and before any
render) so a bad file is an error with its file:line:column, not a failure minutes into a render.

Cheap by design: an image's header, then one decode of it (Pillow reads every pixel once); a sound file's
first half second decoded by ffmpeg. Nothing of a file's content is ever put in a message.
"""

from __future__ import annotations

import subprocess
import warnings

from PIL import Image, UnidentifiedImageError

from storyboard import Problem, Screenplay, ScreenplayError
from storyboard.screenplay import MediaFile

from .ffmpeg import ffmpeg_exe
from .footage import FootageError, check_length, probe

MAX_REFERENCE_PIXELS = 64_000_000  # 8000x8000: more than any model is conditioned on, and 192 MB decoded
SOUND_PROBE_SECONDS = 0.5


def check_media(screenplay: Screenplay) -> None:
    """Raise ScreenplayError naming every reference image, music and shot sound file that cannot be read."""
    problems = []
    for media in screenplay.media():
        if media.kind == "video":
            problem = footage_problem(screenplay, media)
        else:
            problem = image_problem(media) if media.kind == "image" else sound_problem(media)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise ScreenplayError(problems)


def footage_problem(screenplay: Screenplay, media: MediaFile) -> Problem | None:
    """The file has a picture that decodes, is not HDR, and runs from the shot's `in:` to its end."""
    shot = screenplay.by_id[media.shot].shot
    try:
        info = probe(media.path)
        check_length(info, shot.footage.start.to_seconds(screenplay.fps), screenplay.frames(shot), screenplay.fps)
    except FootageError as error:
        return Problem(f"{media.what}: `{media.written}` {error}", media.mark, hint=error.hint)
    return None


def image_problem(media: MediaFile) -> Problem | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(media.path) as image:
                width, height = image.size
                if width * height > MAX_REFERENCE_PIXELS:
                    return Problem(f"{media.what}: `{media.written}` is {width}x{height} pixels, over the "
                                   f"{MAX_REFERENCE_PIXELS // 1_000_000} megapixels a reference may have", media.mark,
                                   hint="scale it down: models see references at a megapixel or two")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Problem(f"{media.what}: `{media.written}` is far larger than a reference may be (over "
                       f"{MAX_REFERENCE_PIXELS // 1_000_000} megapixels; Pillow refuses to decode it)", media.mark,
                       hint="scale it down: models see references at a megapixel or two")
    except UnidentifiedImageError:
        return Problem(f"{media.what}: `{media.written}` is not an image Pillow can read", media.mark,
                       hint="save it as PNG or JPEG")
    except (OSError, SyntaxError, ValueError) as error:
        return Problem(f"{media.what}: `{media.written}` cannot be decoded ({type(error).__name__}: "
                       f"{_short(error)})", media.mark, hint="the file is damaged or cut short; save it again")
    return None


def sound_problem(media: MediaFile) -> Problem | None:
    """The first half second of the file's first sound stream, decoded; a file with no sound in it fails."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-xerror", "-i", str(media.path),
            "-map", "0:a:0", "-t", str(SOUND_PROBE_SECONDS), "-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1"]
    result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True)
    errors = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if result.returncode != 0 and any("matches no streams" in line for line in errors):
        return Problem(f"{media.what}: `{media.written}` has no sound in it", media.mark,
                       hint="give a sound file (WAV, FLAC, MP3, ...)")
    if result.returncode != 0 or not result.stdout:
        detail = errors[-1].replace(str(media.path), media.written) if errors else "no samples in it"
        return Problem(f"{media.what}: `{media.written}` cannot be decoded as sound ({detail})", media.mark,
                       hint="the file is empty, damaged or not a sound file; export it again")
    return None


def _short(error: BaseException) -> str:
    text = str(error).replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."
