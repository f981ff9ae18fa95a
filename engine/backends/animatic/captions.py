"""The animatic's captions: scene heading and shot at the top, the prompt and the spoken line below.

Each band is drawn once (per dialogue line, per second of timecode) as an RGBA image and pasted
onto frames with its alpha, so captions cost a paste per frame, not a text layout.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from continuity import DialogueCue, ShotRequest

from ...text import font, wrap


def _band(width: int, height: int, top_alpha: int, bottom_alpha: int) -> Image.Image:
    band = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    for row in range(height):
        alpha = round(top_alpha + (bottom_alpha - top_alpha) * row / max(1, height - 1))
        draw.line([(0, row), (width, row)], fill=(8, 10, 14, alpha))
    return band


class Captions:
    def __init__(self, request: ShotRequest) -> None:
        self.request = request
        self.width, self.height = request.width, request.height
        unit = max(8, round(self.height / 40))  # text scales with the frame
        self.small, self.body, self.line_size = unit, round(unit * 1.25), round(unit * 1.45)
        self.margin = round(unit * 1.4)
        self.top = self._top_band()
        self._timecodes: dict[int, Image.Image] = {}
        self._bottoms: dict[int, Image.Image] = {}

    def _top_band(self) -> Image.Image:
        request, margin = self.request, self.margin
        height = round(self.small * 5.2)
        band = _band(self.width, height, 190, 0)
        draw = ImageDraw.Draw(band)
        heading = request.heading.upper() or request.scene_id
        draw.text((margin, margin * 0.7), heading, font=font(self.body), fill=(250, 248, 240, 255),
                  stroke_width=max(1, self.body // 24), stroke_fill=(250, 248, 240, 255))
        detail = f"{request.shot_id}  ·  {request.camera_size}, {request.camera_move}  ·  take {request.take}"
        draw.text((margin, margin * 0.7 + self.body * 1.35), detail, font=font(self.small), fill=(210, 214, 220, 255))
        return band

    def timecode(self, frame: int) -> Image.Image:
        """Seconds into the shot and its length, e.g. 00:03 / 00:08; one image per second."""
        second = int(frame / self.request.fps)
        if second not in self._timecodes:
            total = int(self.request.frames / self.request.fps)
            text = f"{second // 60:02d}:{second % 60:02d} / {total // 60:02d}:{total % 60:02d}"
            face = font(self.small)
            width = round(face.getlength(text)) + 4
            image = Image.new("RGBA", (width, self.small + 6), (0, 0, 0, 0))
            ImageDraw.Draw(image).text((2, 0), text, font=face, fill=(230, 232, 236, 255))
            self._timecodes[second] = image
        return self._timecodes[second]

    def bottom(self, frame: int) -> Image.Image:
        """The prompt line, and above it the line being spoken now (if any)."""
        cue_index = next((i for i, cue in enumerate(self.request.dialogue) if cue.start <= frame < cue.end), -1)
        if cue_index not in self._bottoms:
            cue = self.request.dialogue[cue_index] if cue_index >= 0 else None
            self._bottoms[cue_index] = self._bottom_band(cue)
        return self._bottoms[cue_index]

    def _bottom_band(self, cue: DialogueCue | None) -> Image.Image:
        margin = self.margin
        prompt_face, line_face = font(self.small), font(self.line_size)
        prompt_lines = wrap(self.request.text, prompt_face, self.width - 2 * margin, 2) if self.request.text else []
        spoken = wrap(f"“{cue.line}”", line_face, self.width * 0.8, 2) if cue else []
        height = round(margin * 1.2 + len(prompt_lines) * self.small * 1.3 +
                       (len(spoken) * self.line_size * 1.3 + self.small * 1.8 if cue else 0) + margin * 0.6)
        band = _band(self.width, height, 0, 200)
        draw = ImageDraw.Draw(band)
        y = margin * 0.9
        if cue:
            name_face = font(self.small)
            name = cue.speaker.upper()
            draw.text(((self.width - name_face.getlength(name)) / 2, y), name, font=name_face,
                      fill=(255, 214, 120, 255), stroke_width=max(1, self.small // 22), stroke_fill=(255, 214, 120, 255))
            y += self.small * 1.5
            for text in spoken:
                draw.text(((self.width - line_face.getlength(text)) / 2, y), text, font=line_face,
                          fill=(255, 255, 255, 255), stroke_width=max(1, self.line_size // 14), stroke_fill=(0, 0, 0, 255))
                y += self.line_size * 1.3
            y += self.small * 0.3
        for text in prompt_lines:
            draw.text((margin, y), text, font=prompt_face, fill=(200, 204, 210, 255))
            y += self.small * 1.3
        return band

    def apply(self, frame: Image.Image, index: int) -> None:
        """Paste the captions onto a frame (in place)."""
        frame.paste(self.top, (0, 0), self.top)
        stamp = self.timecode(index)
        frame.paste(stamp, (self.width - self.margin - stamp.width, round(self.margin * 0.7)), stamp)
        bottom = self.bottom(index)
        frame.paste(bottom, (0, self.height - bottom.height), bottom)
