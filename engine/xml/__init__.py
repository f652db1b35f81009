"""The one hardened XML parser of the project, and C14N helpers."""

from engine.xml.parser import MAX_XML_BYTES, c14n, parse_xml, parse_xml_file

__all__ = ["MAX_XML_BYTES", "c14n", "parse_xml", "parse_xml_file"]
