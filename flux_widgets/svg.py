"""SVG text for the drawings the kit writes out: the cost chart and the network diagram.

A drawing is a standalone SVG document (:func:`document`): a white background, a
``<title>`` and an ``aria-label`` saying in words what it shows (``role="img"``, so a
screen reader reads that instead of its shapes), and its elements, each written by
:func:`tag`. The cost chart (:func:`flux_widgets.mse_graph.svg_chart`) and the diagram
(:func:`flux_widgets.widgets.diagram_svg.diagram_svg`) are drawn with these, so they
open alike in a browser, Inkscape, PowerPoint, Keynote or LibreOffice.

Numpy-free and widget-free: text in, text out. Every text and attribute value is
XML-escaped here, so a label can hold ``<``, ``&`` or quotes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

__all__ = ["document", "tag", "escape"]

NAMESPACE = "http://www.w3.org/2000/svg"


def _value(value):
    """An attribute value as text: a float to at most 2 decimals (``12.5``, ``3``)."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else repr(value)
    return str(value)


def tag(name, content="", **attributes):
    """``<name a="1" b-c="x">content</name>`` (self-closed when ``content`` is empty).

    An attribute named with ``_`` is written with ``-`` (``stroke_width`` →
    ``stroke-width``); one whose value is ``None`` is left out. ``content`` is markup
    (other tags, or text already escaped with :func:`escape`)."""
    written = "".join(f" {key.replace('_', '-')}={quoteattr(_value(value))}"
                      for key, value in attributes.items() if value is not None)
    return f"<{name}{written}>{content}</{name}>" if content else f"<{name}{written}/>"


def document(width, height, body, label, view_box=None, font_size=12):
    """A standalone SVG document ``width`` x ``height`` pixels holding ``body`` (a list
    of markup), on white, with ``label`` (plain text: what it shows in words) as its
    ``<title>`` and ``aria-label``. ``view_box``: ``(x, y, width, height)`` of the
    drawing's own coordinates (default: those of the pixels)."""
    box = " ".join(_value(float(v)) for v in (view_box or (0, 0, width, height)))
    x, y, *_ = view_box or (0, 0)
    head = (f'<svg xmlns="{NAMESPACE}" width="{_value(width)}" height="{_value(height)}" '
            f'viewBox="{box}" role="img" aria-label={quoteattr(label)} '
            f'font-family="sans-serif" font-size="{font_size}">')
    return "\n".join([head, f"<title>{escape(label)}</title>",
                      tag("rect", x=x, y=y, width="100%", height="100%", fill="white"),
                      *body, "</svg>"]) + "\n"
