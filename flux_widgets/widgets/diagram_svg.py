"""The network diagram as a standalone SVG drawing, for slides and handouts.

:func:`diagram_svg` draws what a :class:`~.diagram.NetworkDiagram` shows, from the diagram
itself: its elements' positions and labels, and each element's look classes
(``diagram.classes``) resolved against the diagram's one stylesheet
(:data:`~.diagram.STYLESHEET`) the way cytoscape.js resolves them in the browser — so an
edge's colour, width and dashes are ``diagram.looks``' and a neuron's fill, badge shape and
border are the ones on screen. Nothing is recomputed from the matrices.

One element per drawn thing: a ``<line class="edge">`` per drawn weight (drawn first, under
the neurons), a ``<g class="neuron">`` per drawn neuron (its shape — a circle, or its
badge's octagon or hexagon — and its label) and a ``<g class="more">`` per "… n more" node
of a summarised layer. Each has a ``<title>`` (a weight's value and gradient, a neuron's
output), the drawing an ``aria-label`` (the diagram's ``text_alternative``), and a legend
under it says in words what the lines and fills show.

SVG has no double border: a saturated neuron's double border is drawn as a solid border
of its width (its hexagon tells it apart); the selected element's outline, a thing of the
screen, is not drawn.
"""

from __future__ import annotations

import math

from ..svg import document, escape, tag
from .diagram import BADGES, EDGES_SHOW, FIT_PADDING, STYLESHEET

__all__ = ["diagram_svg"]

LEGEND_FONT, LEGEND_LINE = 11, 15  # pixels
MIN_WIDTH = 440  # pixels: the legend's lines fit
_DASHES = {"dashed": "6 3", "dotted": "2 3"}  # cytoscape's line and border styles
_CORNER = 8  # a round rectangle's corner radius, pixels


def _style(group, classes):
    """The style cytoscape.js gives an element of ``group`` (``"node"`` or ``"edge"``) with
    ``classes``: every stylesheet entry whose selector is the group, one of the classes
    (``.neg``) or both (``node.dead``), in the stylesheet's order, the later winning."""
    names = set(classes.split())
    style = {}
    for entry in STYLESHEET:
        selector_group, _, selector_class = entry["selector"].partition(".")
        if selector_group in ("", group) and (not selector_class or selector_class in names) \
                and (selector_group or selector_class):
            style.update(entry["style"])
    return style


def _outline(style):
    """The stroke attributes of a neuron's border: its colour, width and dashes."""
    return {"stroke": style["border-color"], "stroke_width": style["border-width"],
            "stroke_dasharray": _DASHES.get(style.get("border-style"))}


def _shape(style, x, y):
    """A neuron's shape at ``(x, y)`` as an SVG element: a circle, a round rectangle, or
    the regular polygon of a badge (an octagon, a hexagon), filled and outlined."""
    width, height = style["width"], style["height"]
    look = {"fill": style["background-color"], **_outline(style)}
    shape = style.get("shape", "ellipse")
    if shape == "ellipse":
        return tag("circle", cx=float(x), cy=float(y), r=width / 2, **look)
    if shape == "round-rectangle":
        return tag("rect", x=x - width / 2, y=y - height / 2, width=width, height=height,
                   rx=_CORNER, **look)
    corners, turn = {"octagon": (8, math.pi / 8), "hexagon": (6, 0.0)}[shape]
    points = " ".join(f"{x + width / 2 * math.cos(turn + 2 * math.pi * k / corners):.2f},"
                      f"{y + height / 2 * math.sin(turn + 2 * math.pi * k / corners):.2f}"
                      for k in range(corners))
    return tag("polygon", points=points, **look)


def _legend(diagram):
    """The legend's lines: what the edges, their dashes and widths, and the fills show."""
    lines = [f"{EDGES_SHOW[diagram.quantity]}.",
             "Solid blue = positive, dashed orange = negative;",
             "width = |value| relative to the largest.",
             f"Neuron fill = its output for {diagram.sample_words()}:",
             "white the smallest of its layer, blue the largest."]
    lines += [f"Drawn as {shape}: {badge} ({meaning})."
              for badge, (_, shape, meaning) in BADGES.items() if badge in diagram.badges.values()]
    return lines


def diagram_svg(diagram):
    """The SVG text of what ``diagram`` (a :class:`~.diagram.NetworkDiagram` showing a
    network) draws now: its edges, neurons and "… n more" nodes with their looks, and a
    legend (see module docs)."""
    nodes = [(element, classes) for element, classes in zip(diagram.elements, diagram.classes)
             if element["group"] == "nodes"]
    places = {element["data"]["id"]: (element["position"]["x"], element["position"]["y"])
              for element, _ in nodes}
    styles = {element["data"]["id"]: _style("node", classes) for element, classes in nodes}
    edges, shapes = [], []
    for element, classes in zip(diagram.elements, diagram.classes):
        data = element["data"]
        if element["group"] == "edges":
            style = _style("edge", classes)
            (x1, y1), (x2, y2) = places[data["source"]], places[data["target"]]
            layer, rest = data["id"][1:].split(":")
            row, column = map(int, rest.split("-"))
            title = tag("title", escape(diagram.edge_text(int(layer), row, column)))
            edges.append(tag("line", title, x1=x1, y1=y1, x2=x2, y2=y2,
                             stroke=style["line-color"], stroke_width=style["width"],
                             stroke_opacity=style["opacity"],
                             stroke_dasharray=_DASHES.get(style["line-style"]),
                             **{"class": "edge", "data-id": data["id"]}))
            continue
        x, y = places[data["id"]]
        style = styles[data["id"]]
        if data["id"].endswith("more"):
            kind, said = "more", f"{data['label']} neurons of layer {data['column']}, not drawn"
        else:
            column, neuron = map(int, data["id"][1:].split("N"))
            kind = "neuron"
            said = (f"neuron {data['label']} (layer {column}, neuron {neuron}): "
                    f"{diagram.output_text(column, neuron)}")
        label = tag("text", escape(data["label"]), x=x, y=y, text_anchor="middle",
                    dominant_baseline="central", font_size=style["font-size"])
        shapes.append(tag("g", tag("title", escape(said)) + _shape(style, x, y) + label,
                          **{"class": kind, "data-id": data["id"], "aria-label": said}))
    half = {key: max(style["width"], style["height"]) / 2 + 4 for key, style in styles.items()}
    left = min(places[key][0] - half[key] for key in places) - FIT_PADDING
    right = max(places[key][0] + half[key] for key in places) + FIT_PADDING
    top = min(places[key][1] - half[key] for key in places) - FIT_PADDING
    bottom = max(places[key][1] + half[key] for key in places)
    width = max(right - left, MIN_WIDTH)
    legend = _legend(diagram)
    lines = "".join(tag("tspan", escape(line), x=left + FIT_PADDING, dy=LEGEND_LINE)
                    for line in legend)
    height = bottom - top + LEGEND_LINE * (len(legend) + 1)
    body = [tag("g", "".join(edges), **{"class": "edges"}),
            tag("g", "".join(shapes), **{"class": "neurons"}),
            tag("text", lines, x=left + FIT_PADDING, y=bottom, font_size=LEGEND_FONT,
                **{"class": "legend"})]
    return document(round(width), round(height), body, diagram.text_alternative,
                    view_box=(left, top, width, height))
