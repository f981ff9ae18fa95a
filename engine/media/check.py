"""Whether the picture and sound files a film names can be read, checked at `longcut check` (and before any
render) so a bad file is an error with its file:line:column, not a failure minutes into a render.

Cheap by design: an image's header, then one decode of it (Pillow reads every pixel once); a sound file's
first half second decoded by ffmpeg. Nothing of a file's content is ever put in a message.
"""

from __future__ import annotations

import warnings

from PIL import Image, UnidentifiedImageError

from longcut.storyboard import Problem, Screenplay, ScreenplayError
from longcut.storyboard.screenplay import MediaFile

from .ffmpeg import ffmpeg_exe, run_unchecked
from .footage import FootageError, check_length, probe

MAX_REFERENCE_PIXELS = 64_000_000  # 8000x8000: more than any model is conditioned on, and 192 MB decoded
SOUND_PROBE_SECONDS = 0.5


def check_media(screenplay: Screenplay) -> None:
    """Raise ScreenplayError naming every reference image, music and shot sound file that cannot be read."""
    problems = []
    for media in screenplay.media():
        if media.kind == "video":
            problem = footage_problem(screenplay, media) if media.field == "footage" else clip_problem(media)
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


def clip_problem(media: MediaFile) -> Problem | None:
    """A clip a shot continues from (`start: clip.mp4`) has a picture that decodes and is not HDR; only its last
    frames are used, so any length will do."""
    try:
        probe(media.path)
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


MIN_SOUND_RATE, MAX_SOUND_RATE = 4_000, 768_000  # telephone speech to the highest studio rates
MAX_SOUND_HOURS = 12  # a score for a feature and then some; a header that claims more is not a sound to mix


def sound_problem(media: MediaFile) -> Problem | None:
    """The file's sound stream is of a sane rate and length (its header, read by PyAV: an absurd one would have the
    cut decode gigabytes), and its first half second decodes; a file with no sound in it fails."""
    claimed = _claimed_sound(media)
    if claimed is not None:
        return claimed
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-xerror", "-i", str(media.path),
            "-map", "0:a:0", "-t", str(SOUND_PROBE_SECONDS), "-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1"]
    result = run_unchecked(args)
    errors = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if result.returncode != 0 and any("matches no streams" in line for line in errors):
        return Problem(f"{media.what}: `{media.written}` has no sound in it", media.mark,
                       hint="give a sound file (WAV, FLAC, MP3, ...)")
    if result.returncode != 0 or not result.stdout:
        detail = errors[-1].replace(str(media.path), media.written) if errors else "no samples in it"
        return Problem(f"{media.what}: `{media.written}` cannot be decoded as sound ({detail})", media.mark,
                       hint="the file is empty, damaged or not a sound file; export it again")
    return None


def _claimed_sound(media: MediaFile) -> Problem | None:
    """What the header of the file's first sound stream claims, where it is not a sound longcut can mix."""
    import av

    try:
        with av.open(str(media.path)) as container:
            if not container.streams.audio:
                return None  # said by the decode below, with ffmpeg's words
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate or 0
            seconds = (float(stream.duration * stream.time_base) if stream.duration and stream.time_base else
                       container.duration / 1_000_000 if container.duration else 0.0)
    except (av.FFmpegError, OSError, ValueError):
        return None  # the decode below says what is wrong
    if not MIN_SOUND_RATE <= rate <= MAX_SOUND_RATE:
        return Problem(f"{media.what}: `{media.written}` claims a sample rate of {rate:,} Hz, outside the "
                       f"{MIN_SOUND_RATE:,} to {MAX_SOUND_RATE:,} Hz of real recordings", media.mark,
                       hint="the file's header is damaged or forged; export the sound again (WAV at 48 kHz)")
    if seconds > MAX_SOUND_HOURS * 3600:
        return Problem(f"{media.what}: `{media.written}` claims to last {seconds / 3600:,.0f} hours, over the "
                       f"{MAX_SOUND_HOURS} a sound file may", media.mark,
                       hint="the file's header is damaged or forged, or the file is not one sound; export the part "
                            "the film uses")
    return None


def _short(error: BaseException) -> str:
    text = str(error).replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."
