"""Gradients: partial and directional derivatives as geometry, gradient fields, numerical differentiation."""

import streamlit as st

from nnviz.core.gradient import (
    difference_errors,
    directional_derivative,
    directional_profile,
    gradient_field,
    numerical_diff,
    numerical_gradient,
)
from nnviz.core.surfaces import SURFACES, Surface, get_surface
from nnviz.figures import gradients as figs
from nnviz.figures import maps
from nnviz.figures.format import num, vector
from nnviz.lessons import gradients as lesson
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import labels, t
from nnviz.ui.tables import table

PAGE = "gradients"
VIEWS = ["surface", "directional", "field", "lab", "examples"]
SURFACE_KEYS = [*SURFACES, "custom"]
DEFAULT_SURFACE = "mountain"
FIELD_SURFACE = "elongated"  # a minimum with oval level curves: −∇f points in, at right angles to them
DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*x^2"
DEFAULT_SPAN = 3.0
LAB_DEFAULT = "exp"  # f‴ ≠ 0: the central difference shows its truncation branch of slope 2 (the book's quadratic has none)
LAST_SURFACE = "_gradients_surface"
LAST_DRAWABLE = "_gradients_last_drawable"
SNAPS = ("up", "down", "level")


def s(key: str, **values: object) -> str:
    return t(f"gradients.{key}", **values)


# --- shared controls: the surface and the point P ------------------------------------------

def custom_surface() -> Surface:
    """The typed f(x, y) over ±span; a formula undefined on the whole window keeps the last drawable one."""
    left, right = st.columns([3, 1])
    with left:
        expr = formula_input("fxy", s("formula"), DEFAULT_FORMULA, variables=("x", "y"), help=s("formula_help"))
    with right:
        span = w.slider("span", s("span"), 0.5, 10.0, DEFAULT_SPAN, step=0.5, help=s("span_help"))
    last = st.session_state.get(LAST_DRAWABLE, (DEFAULT_FORMULA, DEFAULT_SPAN))
    typed = lesson.typed_surface(expr, span, last)
    if typed.drawable:
        st.session_state[LAST_DRAWABLE] = (expr.text, span)
    else:
        st.error(s("undefined_everywhere"), icon=":material/error:")
        st.caption(t("common.last_good", formula=last[0]))
    return typed.surface


def point_sliders(surface: Surface, key: str, columns: list) -> tuple[float, float]:
    """P = (x₀, y₀) inside the window; switching surface moves P to that surface's own start."""
    last = st.session_state.get(LAST_SURFACE)
    if last is not None and last != key:
        st.session_state["px"], st.session_state["py"] = surface.start
    st.session_state[LAST_SURFACE] = key
    point = []
    for column, name, lim, default, label in zip(columns, ("px", "py"), (surface.xlim, surface.ylim),
                                                  surface.start, ("x₀", "y₀")):
        if name in st.session_state:
            st.session_state[name] = lesson.clamp(st.session_state[name], lim)
        with column:
            point.append(w.slider(name, s("point", name=label), float(lim[0]), float(lim[1]), float(default),
                                  step=lesson.point_step(lim), help=s("point_help")))
    return point[0], point[1]


def surface_controls(default: str = DEFAULT_SURFACE) -> tuple[Surface, str, tuple[float, float]]:
    columns = st.columns([2, 1.4, 1.4])
    with columns[0]:
        key = w.choice("surface", s("surface"), SURFACE_KEYS, default,
                       format_func=lambda k: s(f"surface_{k}"))
    surface = custom_surface() if key == "custom" else get_surface(key)
    point = point_sliders(surface, key, columns[1:])
    return surface, key, point


def picked(chart_key: str) -> None:
    """Click on a map: move P to the clicked grid point."""
    state = st.session_state.get(chart_key)
    points = getattr(getattr(state, "selection", None), "points", None) or []
    for p in points:
        if isinstance(p.get("x"), (int, float)) and isinstance(p.get("y"), (int, float)):
            st.session_state["px"], st.session_state["py"] = float(p["x"]), float(p["y"])
            return


def map_chart(figure, key: str, alt: str, caption: str | None, settings: dict) -> None:
    chart(figure, PAGE, alt=alt, caption=caption, settings=settings, key=key,
          on_select=lambda: picked(key))


def warn_undefined(grid: lesson.SurfaceMap, at_p: lesson.SurfacePoint) -> None:
    if not at_p.defined:
        st.warning(s("undefined_at_p"), icon=":material/warning:")
    elif grid.gaps:
        st.warning(s("gaps_on_grid"), icon=":material/warning:")


def map_and_point(surface: Surface, point: tuple[float, float]) -> tuple[lesson.SurfaceMap, lesson.SurfacePoint]:
    """The surface's map and f at P, with a warning where either is undefined."""
    grid, at_p = lesson.surface_map(surface), lesson.surface_point(surface, point)
    warn_undefined(grid, at_p)
    return grid, at_p


# --- surface & partial derivatives -------------------------------------------------------------

def partials_readout(surface: Surface, at_p: lesson.SurfacePoint) -> None:
    if surface.latex:
        st.latex(r"f(x, y) = " + surface.latex)
    metrics = st.columns(2)
    metrics[0].metric("f(P)", num(at_p.value))
    metrics[1].metric("|∇f(P)|", num(at_p.norm))
    metrics = st.columns(2)
    metrics[0].metric("∂f/∂x", num(at_p.gradient[0]), help=s("metric_help"))
    metrics[1].metric("∂f/∂y", num(at_p.gradient[1]), help=s("metric_help"))
    st.markdown(s("numeric_check", gx=num(at_p.numeric[0], 15), gy=num(at_p.numeric[1], 15)))
    st.markdown(s("partials_lesson"))


def surface_view() -> None:
    surface, key, point = surface_controls()
    grid, at_p = map_and_point(surface, point)
    slices = lesson.axis_slices(surface, point)
    x0, y0 = num(point[0]), num(point[1])
    figure = figs.surface_figure(grid, at_p, slices, labels(figs.SurfaceLabels, PAGE, slice_x=s("slice_x", y0=y0),
                                                            slice_y=s("slice_y", x0=x0)), presentation())
    map_chart(figure, "map_surface", alt=s("alt_surface"), caption=s("caption_surface"),
              settings={"surface": key, "P": f"{point[0]:g}_{point[1]:g}"})
    slice_labels = labels(figs.SlicesLabels, PAGE,
                          slice_x_title=s("slice_x_title", y0=y0, slope=num(at_p.gradient[0])),
                          slice_y_title=s("slice_y_title", x0=x0, slope=num(at_p.gradient[1])))
    left, right = st.columns([3, 2])
    with left:
        chart(figs.slices_figure(slices, point, slice_labels, presentation()), PAGE,
              alt=s("alt_slices"), caption=s("caption_slices"), settings={"surface": key, "view": "slices"})
    with right:
        partials_readout(surface, at_p)
    show_code(lesson.axis_slices, numerical_gradient)


# --- directional derivative ----------------------------------------------------------------------

def direction_labels(pick: str) -> figs.DirectionLabels:
    return labels(figs.DirectionLabels, PAGE, pick=pick)


def direction_readout(r: lesson.DirectionReadout) -> None:
    """D_u f written out with today's numbers, the limit check and the lesson."""
    (gx, gy), (ux, uy) = r.gradient, r.u
    st.latex(r"D_{\mathbf u}f(P) = \nabla f\cdot\mathbf u = \lvert\nabla f\rvert\cos\alpha")
    st.latex(rf"= ({num(gx)})({num(ux)}) + ({num(gy)})({num(uy)})")
    if r.critical:
        st.info(s("critical_point"))
    else:
        st.latex(rf"= {num(r.norm)}\cdot\cos {r.alpha:.1f}^\circ = {num(r.derivative)}")
    if r.limit is not None:
        st.markdown(s("limit_check", value=num(r.limit, 10)))
    st.markdown(s("direction_lesson", max=num(r.norm), star=f"{r.steepest:.1f}"))


def directional_view() -> None:
    surface, key, point = surface_controls()
    columns = st.columns([2.4, 1, 1, 1.4])
    with columns[0]:
        theta = w.slider("theta", s("theta"), 0.0, 360.0, 30.0, step=0.1, help=s("theta_help"), fmt="%.1f°")
    readout = lesson.direction_readout(surface, point, theta)
    for column, name in zip(columns[1:], SNAPS):
        w.preset_button(s(f"snap_{name}"), {"theta": readout.snap(name)}, key=f"btn_snap_{name}", where=column,
                        help=s(f"snap_{name}_help"))
    grid, _ = map_and_point(surface, point)
    map_chart(figs.direction_figure(grid, readout, direction_labels(s("pick")), presentation()),
              "map_direction", alt=s("alt_direction"), caption=s("caption_direction"),
              settings={"surface": key, "theta": theta})
    walk = lesson.direction_slice(surface, point, theta)
    walk_labels = labels(figs.LineSliceLabels, PAGE, g_title=s("g_title", slope=num(walk.slope)))
    left, right = st.columns([3, 2])
    with left:
        chart(figs.line_slice_figure(walk, walk_labels, presentation()), PAGE, alt=s("alt_line_slice"),
              settings={"surface": key, "theta": theta, "view": "g"})
    with right:
        direction_readout(readout)
    show_code(directional_derivative, directional_profile)


# --- gradient field ------------------------------------------------------------------------------

def field_controls() -> tuple[str, bool, int]:
    """Which way the arrows point ("down" or "up"), whether they are normalised, and arrows per side."""
    columns = st.columns(3)
    with columns[0]:
        sign = w.choice("sign", s("sign"), list(lesson.SIGNS), "down", format_func=lambda k: s(f"sign_{k}"),
                        kind="segmented")
    with columns[1]:
        length = w.choice("length", s("length"), ["true", "unit"], "true",
                          format_func=lambda k: s(f"length_{k}"), kind="segmented", help=s("length_help"))
    with columns[2]:
        n = int(w.slider("density", s("density"), 7, 31, 17, step=1, help=s("density_help")))
    return sign, length == "unit", n


def field_chart(figure, arrows: lesson.FieldArrows, normalise: bool, key: str) -> None:
    caption = s("caption_field_unit") if normalise else s("caption_field_true", k=num(arrows.k, 3))
    map_chart(figure, "map_field", alt=s("alt_field"), caption=caption,
              settings={"surface": key, "sign": arrows.sign, "n": arrows.n})


def field_lessons() -> None:
    st.markdown(s("caption_field_right_angle"))
    st.markdown(s("field_lesson"))


def book_field_view() -> None:
    st.info(s("book_info"), icon=":material/menu_book:")
    arrows = lesson.book_field()
    figure = figs.book_field_figure(lesson.book_map(), arrows, labels(figs.BookFieldLabels, PAGE), presentation())
    left, right = st.columns([3, 2])
    with left:
        field_chart(figure, arrows, False, "book")
    with right:
        field_lessons()


def free_field_view() -> None:
    surface, key, point = surface_controls(FIELD_SURFACE)
    way, normalise, n = field_controls()
    grid, _ = map_and_point(surface, point)
    arrows = lesson.field_arrows(surface, n, lesson.SIGNS[way], normalise)
    readout = lesson.field_readout(surface, point, lesson.SIGNS[way])
    name = s(f"arrows_{way}")
    field_labels = labels(figs.FieldLabels, PAGE, field_title=s("field_title", arrows=name), arrows=name)
    left, right = st.columns([3, 2])
    with left:
        field_chart(figs.field_figure(grid, arrows, readout, field_labels, presentation()), arrows, normalise, key)
    with right:
        if readout.defined:
            st.metric(s("field_at_p", arrows=name, x0=num(point[0]), y0=num(point[1])), vector(readout.arrow))
            if readout.moving:
                st.markdown(s("field_angle", angle=f"{readout.angle:.1f}"))
        field_lessons()


def field_view(book: bool) -> None:
    if book:
        book_field_view()
    else:
        free_field_view()
    show_code(gradient_field, maps.arrow_paths)


# --- numerical-differentiation lab -------------------------------------------------------------------

def lab_tables(r: lesson.LabReadout) -> None:
    left, right = st.columns([3, 2])
    with left:
        st.latex(r.latex)
        st.markdown(s("lab_readout", x=num(r.x0), h=f"{r.h:.0e}"))
        table({
            s("lab_col_method"): [s("lab_forward"), s("lab_central"), s("lab_exact_row")],
            s("lab_col_formula"): ["(f(x+h) − f(x)) / h", "(f(x+h) − f(x−h)) / 2h", "f′(x)"],
            s("lab_col_value"): [repr(r.forward), repr(r.central), repr(r.exact)],
            s("lab_col_error"): [f"{r.forward_error:.2e}", f"{r.central_error:.2e}", "0"],
        })
    with right:
        st.markdown(s("lab_book_heading"))
        goldens = lesson.book_goldens()
        table({
            "x": [f"{g.x:g}" for g in goldens],
            s("col_notes"): [g.notes for g in goldens],
            s("col_ours"): [repr(g.ours) for g in goldens],
            s("lab_exact"): [f"{g.exact:g}" for g in goldens],
        })
        st.markdown(s("lab_lesson"))


def lab_view() -> None:
    columns = st.columns([3, 2, 2])
    with columns[0]:
        key = w.choice("fn", s("lab_fn"), list(lesson.LAB_FUNCTIONS), LAB_DEFAULT, format_func=lambda k: s(f"lab_fn_{k}"),
                       kind="segmented")
    with columns[1]:
        x0 = w.slider("lx", s("lab_x"), -10.0, 10.0, 5.0, step=0.5)
    with columns[2]:
        log_h = w.slider("logh", s("lab_h"), -16.0, 0.0, -4.0, step=0.5, help=s("lab_h_help"), fmt="%.1f")
    readout = lesson.lab(key, x0, log_h)
    step = f"{readout.h:.0e}"
    lab_labels = labels(figs.LabLabels, PAGE, lab_numeric=s("lab_numeric", h=step), lab_step=s("lab_step", h=step))
    chart(figs.lab_figure(readout, lab_labels, presentation()), PAGE, alt=s("alt_lab"), caption=s("caption_lab"),
          settings={"fn": key, "x": x0, "h": f"1e{log_h:g}"})
    lab_tables(readout)
    show_code(numerical_diff, difference_errors)


# --- the notes' worked examples ------------------------------------------------------------------

def comparison_table(rows: list[lesson.Comparison]) -> None:
    table({
        s("col_quantity"): [s(f"q_{r.quantity}") for r in rows],
        s("col_notes"): [r.notes for r in rows],
        s("col_ours"): [r.ours for r in rows],
        s("col_agree"): ["✓" if r.agree else "✗" for r in rows],
    })


def mountain_example() -> None:
    """The notes' mountain, its chart at full width: the map and the polar slope need it for their titles."""
    readout = lesson.example_direction()
    st.subheader(s("ex_mountain"))
    chart(figs.direction_figure(lesson.surface_map(get_surface("mountain")), readout, direction_labels(""),
                                presentation()),
          PAGE, alt=s("alt_example"), caption=s("caption_example"), settings={"example": "mountain"})
    st.latex(r"z = 5 - x^2 - 2y^2,\quad \nabla z = (-2x,\,-4y),\quad P = (1.5,\,-1)")
    left, right = st.columns([3, 2])
    with left:
        comparison_table(lesson.mountain_example())
    with right:
        st.caption(s("ex_mountain_note"))
        px, py = readout.point
        w.preset_button(s("ex_open"), {"view": "directional", "surface": "mountain", LAST_SURFACE: "mountain",
                                       "px": px, "py": py, "theta": readout.snap("up")},
                        key="btn_mountain", icon=":material/open_in_new:")


def examples_view() -> None:
    mountain_example()
    left, right = st.columns(2)
    with left:
        st.subheader(s("ex_bowl"))
        st.latex(r"f = x^2 + y^2,\ P = (3, 4),\ h = 10^{-4}")
        comparison_table(lesson.bowl_example())
        w.preset_button(s("ex_open_bowl"), {"view": "surface", "surface": "bowl", LAST_SURFACE: "bowl",
                                            "px": 3.0, "py": 4.0},
                        key="btn_bowl", icon=":material/open_in_new:")
        st.caption(s("ex_bowl_note"))
    with right:
        st.subheader(s("ex_log"))
        st.latex(r"f = \ln(x^2 + y^2 + z^2),\ M_1(1,1,1) \to M_2(2,3,3)")
        comparison_table(lesson.log_norm_example())
        st.caption(s("ex_log_note"))
    show_code(lesson.mountain_example, lesson.log_norm_example)


page_header(PAGE)
view = w.choice("view", s("view"), VIEWS, "surface", format_func=lambda v: s(f"view_{v}"), kind="segmented")
book = w.toggle("book", s("book"), help=s("book_help")) if view == "field" else False
{"surface": surface_view, "directional": directional_view, "lab": lab_view, "examples": examples_view,
 "field": lambda: field_view(book)}[view]()
