"""The two formats of GeoReport v2: XML (the default) and JSON, the JSON being the XML's
mapping by the Spark convention: a list element holds one child per item, named in the
singular (`<services><service>`), and an empty element is `null`."""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# The child element name of each list the spec defines.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(fmt: str, root: str, data: dict | list, *, status: int = 200) -> HttpResponse:
    if fmt == JSON:
        body = json.dumps(data, ensure_ascii=False)
    else:
        element = ET.Element(root)
        _fill(element, data)
        body = XML_DECLARATION + ET.tostring(element, encoding="unicode")
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _fill(element: ET.Element, value: object) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
