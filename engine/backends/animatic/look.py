"""Read a look out of plain descriptions: time of day, inside or out, palette, props, clothes.

The animatic has no model, so it reads words: "dusk", "rain", "lighthouse", "navy wool coat",
"short grey hair". What the words do not say comes from a seed, so the same character always
looks the same.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "red": (178, 34, 40), "scarlet": (200, 30, 40), "crimson": (160, 20, 45), "navy": (28, 40, 78),
    "blue": (44, 84, 150), "teal": (30, 120, 120), "green": (52, 120, 70), "olive": (110, 110, 50),
    "yellow": (238, 196, 40), "mustard": (200, 160, 40), "orange": (226, 110, 30), "amber": (230, 150, 40),
    "brown": (112, 74, 44), "tan": (190, 150, 100), "beige": (214, 196, 160), "cream": (236, 228, 205),
    "white": (236, 236, 232), "grey": (150, 152, 156), "gray": (150, 152, 156), "silver": (190, 192, 198),
    "black": (30, 30, 34), "dark": (48, 40, 36), "purple": (100, 60, 140), "pink": (226, 140, 160),
    "blonde": (222, 190, 120), "golden": (212, 170, 60), "auburn": (140, 60, 30), "ginger": (190, 90, 40),
}
GARMENTS = {
    "coat": "coat", "jacket": "coat", "raincoat": "coat", "oilskin": "coat", "smock": "coat", "jumper": "coat",
    "sweater": "coat", "dress": "coat", "shirt": "coat", "cardigan": "coat", "hoodie": "coat", "uniform": "coat",
    "cloak": "coat", "parka": "coat", "scarf": "scarf", "hat": "hat", "cap": "hat", "beanie": "hat", "hair": "hair",
    "beard": "beard", "boots": "boots", "trousers": "legs", "jeans": "legs", "skirt": "legs",
}
SKIN_TONES: list[RGB] = [(241, 200, 170), (226, 178, 140), (198, 142, 104), (160, 106, 72), (112, 74, 50),
                         (234, 192, 160)]
HAIR_DEFAULTS: list[RGB] = [(40, 32, 28), (90, 60, 36), (60, 44, 32), (140, 60, 30), (210, 180, 110)]
COAT_DEFAULTS: list[RGB] = [(70, 90, 120), (120, 60, 50), (60, 100, 80), (150, 120, 60), (90, 70, 110), (50, 50, 60)]

CHILD_WORDS = re.compile(r"\b(boy|girl|child|kid|toddler|baby|nephew|niece|son|daughter|grandson|granddaughter|"
                         r"ten|eleven|twelve|nine|eight|seven|six)\b")
OLD_WORDS = re.compile(r"\b(old|elderly|sixties|seventies|eighties|aged)\b")


@dataclass(frozen=True)
class FigureLook:
    skin: RGB
    hair: RGB
    coat: RGB
    legs: RGB
    boots: RGB
    scarf: RGB | None = None
    hat: RGB | None = None
    beard: RGB | None = None
    long_hair: bool = False
    child: bool = False


def figure_look(description: str, seed: int) -> FigureLook:
    words = re.findall(r"[a-z]+", description.lower())
    chosen: dict[str, RGB] = {}
    for index, word in enumerate(words):
        part = GARMENTS.get(word)
        if part is None or part in chosen:
            continue
        for before in reversed(words[max(0, index - 3):index]):  # "navy wool coat": the colour within three words
            if before in COLOURS:
                chosen[part] = COLOURS[before]
                break
        else:
            if part in ("scarf", "hat", "beard"):
                chosen[part] = _pick(COAT_DEFAULTS, seed, part) if part != "beard" else (120, 100, 80)
    rng = random.Random(seed)
    text = " ".join(words)
    coat = chosen.get("coat", rng.choice(COAT_DEFAULTS))
    return FigureLook(
        skin=rng.choice(SKIN_TONES),
        hair=chosen.get("hair", _pick(HAIR_DEFAULTS, seed, "hair") if not OLD_WORDS.search(text) else (190, 190, 192)),
        coat=coat,
        legs=chosen.get("legs", _shade(coat, 0.45)),
        boots=chosen.get("boots", (40, 34, 30)),
        scarf=chosen.get("scarf"),
        hat=chosen.get("hat"),
        beard=chosen.get("beard"),
        long_hair=bool(re.search(r"\b(long|braid|braided|ponytail|plait|curly)\b", text)),
        child=bool(CHILD_WORDS.search(text)),
    )


def _pick(options: list[RGB], seed: int, salt: str) -> RGB:
    return random.Random(f"{seed}:{salt}").choice(options)


def _shade(colour: RGB, factor: float) -> RGB:
    return tuple(int(channel * factor) for channel in colour)  # type: ignore[return-value]


# -- places ------------------------------------------------------------------------------------

SKIES: dict[str, tuple[RGB, RGB]] = {  # top, horizon
    "dawn": ((46, 58, 96), (244, 184, 160)),
    "morning": ((96, 150, 210), (220, 232, 240)),
    "day": ((70, 140, 215), (196, 224, 244)),
    "afternoon": ((84, 140, 200), (232, 220, 190)),
    "sunset": ((60, 44, 92), (242, 150, 74)),
    "dusk": ((40, 40, 78), (222, 132, 96)),
    "evening": ((30, 36, 70), (120, 96, 130)),
    "night": ((6, 8, 18), (28, 42, 76)),
}
TIME_WORDS = [("dawn", "dawn"), ("sunrise", "dawn"), ("morning", "morning"), ("noon", "day"), ("day", "day"),
              ("afternoon", "afternoon"), ("sunset", "sunset"), ("dusk", "dusk"), ("twilight", "dusk"),
              ("evening", "evening"), ("night", "night"), ("midnight", "night")]
LIGHT = {"dawn": 0.85, "morning": 1.0, "day": 1.0, "afternoon": 1.0, "sunset": 0.85, "dusk": 0.72, "evening": 0.62,
         "night": 0.5}
INTERIOR_WORDS = re.compile(r"\b(room|cabin|kitchen|inside|interior|hall|bedroom|office|corridor|cottage interior|"
                            r"attic|cellar|bar|cafe|shop|studio|lamp room|library|church)\b")


@dataclass(frozen=True)
class SetLook:
    time: str
    exterior: bool
    sky: tuple[RGB, RGB]
    light: float  # 1 = full daylight; figures and interiors darken with it
    water: bool = False
    ground: RGB = (96, 110, 80)
    ridge: bool = False
    props: tuple[str, ...] = ()
    rain: bool = False
    snow: bool = False
    lightning: bool = False
    stars: bool = False
    wall: RGB = (150, 128, 100)
    seed: int = 0
    extra: dict = field(default_factory=dict, compare=False)


PROP_WORDS = [("lighthouse", "lighthouse"), ("cottage", "house"), ("house", "house"), ("hut", "house"),
              ("boat", "boat"), ("ship", "boat"), ("tree", "trees"), ("forest", "trees"), ("woods", "trees"),
              ("city", "city"), ("street", "city"), ("town", "city"), ("lantern", "lanterns"), ("lamp", "lamp"),
              ("window", "window"), ("quay", "quay"), ("pier", "quay"), ("harbour", "quay"), ("harbor", "quay")]


def set_look(description: str, heading: str, exterior: bool | None, seed: int, in_view: str = "") -> SetLook:
    """in_view: the shot's own prompt; props it names (a lighthouse, a boat) join the location's."""
    text = f"{heading} {description}".lower()
    time = "day"
    for word, name in TIME_WORDS:
        if re.search(rf"\b{word}\b", text):
            time = name
            break
    if exterior is None:
        exterior = not INTERIOR_WORDS.search(text)
    storm = bool(re.search(r"\b(storm|stormy|tempest|gale)\b", text))
    top, horizon = SKIES[time]
    if storm or re.search(r"\b(overcast|grey sky|clouds|cloudy|fog|mist)\b", text):
        top, horizon = _mix(top, (60, 66, 76), 0.6), _mix(horizon, (120, 126, 134), 0.6)
    ground = (96, 110, 80)
    for pattern, colour in ((r"\b(beach|sand|shore|desert|dune|shingle)\b", (196, 178, 140)),
                            (r"\b(snow|ice|frozen)\b", (226, 232, 240)),
                            (r"\b(street|city|harbour|harbor|quay|stone|road|pier)\b", (118, 116, 112)),
                            (r"\b(rock|rocky|cliff|cliffs)\b", (92, 90, 86)),
                            (r"\b(grass|field|meadow|green|island|cove)\b", (86, 122, 70))):
        if re.search(pattern, text):
            ground = colour
            break
    prop_text = f"{text} {in_view.lower()}"
    props = tuple(dict.fromkeys(name for word, name in PROP_WORDS if re.search(rf"\b{word}s?\b", prop_text)))
    wall = (150, 128, 100)
    for pattern, colour in ((r"\b(wood|wooden|timber|cabin)\b", (122, 86, 56)), (r"\b(brass|gold)\b", (150, 120, 70)),
                            (r"\b(stone|concrete)\b", (128, 126, 122)), (r"\b(white|plaster)\b", (210, 206, 196))):
        if re.search(pattern, text):
            wall = colour
            break
    return SetLook(
        time=time,
        exterior=exterior,
        sky=(top, horizon),
        light=LIGHT[time] * (0.8 if storm else 1.0),
        water=bool(re.search(r"\b(sea|ocean|harbour|harbor|beach|shore|lake|bay|cove|swell|waves|river)\b", text)),
        ground=ground,
        ridge=bool(re.search(r"\b(mountain|mountains|hill|hills|cliff|cliffs|island|rocky|valley)\b", text)),
        props=props,
        rain=bool(re.search(r"\b(rain|rainy|raining|storm|downpour|drizzle)\b", text)),
        snow=bool(re.search(r"\b(snow|snowing|blizzard)\b", text)),
        lightning=bool(re.search(r"\b(lightning|thunder)\b", text)),
        stars=time == "night" and not storm,
        wall=wall,
        seed=seed,
    )


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def lit(colour: RGB, light: float, night_blue: bool = True) -> RGB:
    """A colour under the scene's light: darker, and bluer at night."""
    r, g, b = (channel * light for channel in colour)
    if night_blue and light < 0.7:
        shift = (0.7 - light) * 0.6
        r, g, b = r * (1 - shift), g * (1 - shift / 2), b + (255 - b) * shift * 0.25
    return (int(min(255, r)), int(min(255, g)), int(min(255, b)))
