"""The AI label as XMP in every MP4 longcut writes (takes and films): IPTC's digital source type
`trainedAlgorithmicMedia`, the tool, and what made it.

MP4 keeps XMP in a top-level `uuid` box with Adobe's XMP UUID (XMP Specification Part 3, 1.2.7.1). It is
appended at the end of the file: top-level boxes may come in any order, readers skip those they do not know,
and no offset in the file moves. A film is labelled before it is signed, so the C2PA manifest covers the label.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ElementTree
from pathlib import Path

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
# IPTC's digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/), as XMP and C2PA write them
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = ("http://cv.iptc.org/newscodes/digitalsourcetype/"
                                            "compositeWithTrainedAlgorithmicMedia")
NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
for _prefix, _uri in NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)


def film_source_type(has_footage: bool) -> str:
    """IPTC's digital source type of a film: made by a model, or a model's pictures cut with footage."""
    return COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA if has_footage else TRAINED_ALGORITHMIC_MEDIA


def _name(prefixed: str) -> str:
    prefix, local = prefixed.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def ai_packet(title: str, tool: str, description: str, source_type: str | None = TRAINED_ALGORITHMIC_MEDIA) -> bytes:
    """An XMP packet saying how the media was made (source_type None: not known, as for a camera's footage
    that longcut only conformed). Every text is escaped by the XML writer."""
    meta = ElementTree.Element(_name("x:xmpmeta"))
    rdf = ElementTree.SubElement(meta, _name("rdf:RDF"))
    about = ElementTree.SubElement(rdf, _name("rdf:Description"), {_name("rdf:about"): ""})
    if source_type:
        ElementTree.SubElement(about, _name("Iptc4xmpExt:DigitalSourceType")).text = source_type
    ElementTree.SubElement(about, _name("xmp:CreatorTool")).text = tool
    for field, text in (("dc:title", title), ("dc:description", description)):
        alternatives = ElementTree.SubElement(ElementTree.SubElement(about, _name(field)), _name("rdf:Alt"))
        item = ElementTree.SubElement(alternatives, _name("rdf:li"), {"xml:lang": "x-default"})
        item.text = text
    body = ElementTree.tostring(meta, encoding="unicode")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + body + '<?xpacket end="w"?>').encode("utf-8")


def append_xmp(path: Path, packet: bytes) -> None:
    """Append the packet to an MP4 as a top-level XMP `uuid` box."""
    with open(path, "ab") as handle:
        handle.write(struct.pack(">I4s", 8 + len(XMP_UUID) + len(packet), b"uuid") + XMP_UUID + packet)


def read_xmp(path: Path) -> bytes | None:
    """The XMP packet of an MP4's top-level boxes, if it has one (for checks and tests)."""
    with open(path, "rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                return None
            size, kind = struct.unpack(">I4s", header)
            if size == 1:  # a 64-bit size follows
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            if size < 8:
                return None
            body = size - 8
            if kind == b"uuid" and handle.read(16) == XMP_UUID:
                return handle.read(body - 16)
            handle.seek(handle.tell() + body - (16 if kind == b"uuid" else 0))
    return None


def digital_source_type(packet: bytes) -> str | None:
    meta = ElementTree.fromstring(packet.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    found = meta.find(f".//{_name('Iptc4xmpExt:DigitalSourceType')}")
    return found.text if found is not None else None
