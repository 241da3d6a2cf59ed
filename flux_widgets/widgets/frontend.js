// The kit's own front-end code, all of it (loaded by frontend.py through anywidget).
//
// One invisible widget sits inside the part of the page it serves and works on that
// part's element, found with closest():
//   part "panel":   keys while the panel has keyboard focus; the narration a live region;
//                   sliders' handles named; upload buttons without their file count;
//   part "diagram": the network's elements in the ipycytoscape view, each with its look
//                   classes (only the changed ones restyled); fit the network whenever
//                   its view is drawn or resized; the canvas's text alternative.
// Every listener and observer is removed when the view is removed (the function that
// render returns), so nothing is left behind when a panel is closed or re-displayed.

const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
const PRESSABLE = "button, [role='button'], [role='radio'], [role='checkbox'], a[href]";

function panelPart({ model, el }) {
  const panel = el.closest(".flux-panel");
  if (!panel) return () => {};
  // focusable as a whole: a click anywhere in it (the diagram, the narration) focuses it
  if (!panel.hasAttribute("tabindex")) panel.tabIndex = 0;
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", model.get("label"));
  const narration = panel.querySelector(".flux-narration");
  if (narration) {
    narration.setAttribute("role", "status");
    narration.setAttribute("aria-live", "polite");
  }
  // ipywidgets' sliders leave their handle (role slider) without a name: give it the
  // slider's own description, now and whenever a slider is drawn in the panel
  function nameSliders() {
    for (const handle of panel.querySelectorAll(".widget-slider .noUi-handle:not([aria-label])")) {
      const label = handle.closest(".widget-slider").querySelector(".widget-label");
      if (label && label.textContent.trim()) handle.setAttribute("aria-label", label.textContent.trim());
    }
  }
  // ipywidgets' upload button reads "Upload session… (0)", a count of files that says
  // nothing to a learner (the panel says what it loaded): its label without the count
  function dropUploadCounts() {
    for (const button of panel.querySelectorAll(".widget-upload")) {
      for (const node of button.childNodes) {
        if (node.nodeType === Node.TEXT_NODE && / \(\d+\)$/.test(node.data)) {
          node.data = node.data.replace(/ \(\d+\)$/, "");
        }
      }
    }
  }
  function tidy() {
    nameSliders();
    dropUploadCounts();
  }
  tidy();
  const drawn = new MutationObserver(tidy);
  drawn.observe(panel, { childList: true, subtree: true });
  function onKeydown(event) {
    if (!panel.contains(event.target) || !model.get("shortcuts").includes(event.key)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest(TYPING)) return;  // typing in a field
    if (event.key === " " && event.target.closest(PRESSABLE)) return;  // Space presses it
    // the panel's key: not JupyterLab's shortcut, not the page's scrolling
    event.preventDefault();
    event.stopPropagation();
    if (!event.repeat) model.send({ event: "keydown", key: event.key });
  }
  // on the window, capturing: before the app's own key handling (Notebook 7 takes keys
  // in the capture phase at the document), and only for keys whose target is this panel
  window.addEventListener("keydown", onKeydown, true);
  return () => {
    window.removeEventListener("keydown", onKeydown, true);
    drawn.disconnect();
  };
}

function cytoscapeOf(box) {
  for (const element of box.querySelectorAll("div")) {
    if (element._cyreg && element._cyreg.cy) return element._cyreg.cy;
  }
  return null;
}

function diagramPart({ model, el }) {
  const box = el.closest(".flux-diagram");
  if (!box) return () => {};
  function describe() {
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", model.get("label"));
  }
  // The elements are put into the view once a network is shown (or the view is new: a
  // page reload); a restyle sets the classes of the elements whose look changed, in one
  // batch, so cytoscape.js restyles those and draws once.
  let cy = null, stale = true, drawn = [], shown = [];
  function draw() {
    const current = cytoscapeOf(box);
    if (!current) return false;
    if (current !== cy || stale) {
      cy = current;
      stale = false;
      const elements = model.get("elements");
      cy.batch(() => {
        cy.elements().remove();
        cy.add(JSON.parse(JSON.stringify(elements)));  // cytoscape keeps what it is given
      });
      drawn = elements.map((element) => cy.getElementById(element.data.id));
      shown = [];
    }
    const looks = model.get("looks");
    cy.batch(() => {
      looks.forEach((look, i) => {
        if (look !== shown[i] && drawn[i]) drawn[i].classes(look);
      });
    });
    shown = looks;
    return true;
  }
  let frame = 0;
  function fitSoon() {  // once the view exists and has a size
    cancelAnimationFrame(frame);
    let tries = 0;
    const attempt = () => {
      const ready = draw();
      if (ready && cy.container() && cy.container().clientWidth > 0) {
        cy.resize();
        cy.fit(undefined, model.get("padding"));
      } else if (tries++ < 300) {
        frame = requestAnimationFrame(attempt);
      }
    };
    frame = requestAnimationFrame(attempt);
  }
  function newNetwork() {
    stale = true;
    fitSoon();
  }
  const resized = new ResizeObserver(fitSoon);
  resized.observe(box);
  describe();
  fitSoon();
  model.on("change:label", describe);
  model.on("change:fits", fitSoon);
  model.on("change:elements", newNetwork);
  model.on("change:looks", draw);
  return () => {
    cancelAnimationFrame(frame);
    resized.disconnect();
    model.off("change:label", describe);
    model.off("change:fits", fitSoon);
    model.off("change:elements", newNetwork);
    model.off("change:looks", draw);
  };
}

// A view's element is put into the page after render() returns: wait for it.
function whenConnected(el, start) {
  let cleanup = () => {}, frame = 0, tries = 0;
  const check = () => {
    if (el.isConnected) cleanup = start();
    else if (tries++ < 600) frame = requestAnimationFrame(check);
  };
  check();
  return () => { cancelAnimationFrame(frame); cleanup(); };
}

export default {
  render(context) {
    context.el.style.display = "none";
    const part = context.model.get("part") === "panel" ? panelPart : diagramPart;
    return whenConnected(context.el, () => part(context));
  },
};
