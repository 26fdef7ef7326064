"""Gradients: partial and directional derivatives as geometry, gradient fields, numerical differentiation."""

import numpy as np
import pandas as pd
import streamlit as st

from nnviz.core.expr import parse
from nnviz.core.surfaces import surface_from_expression
from nnviz.lessons import gradients as gr
from nnviz.core.gradient import (difference_errors, directional_derivative, directional_derivative_limit,
                            directional_profile, gradient_field, numerical_diff, numerical_gradient)
from nnviz.figures import gradients as fig
from nnviz.core.surfaces import SURFACES, Surface, get_surface, surface_grid
from nnviz.ui import widgets as w
from nnviz.ui.chart import chart
from nnviz.ui.formula import formula_input
from nnviz.ui.furniture import page_header, presentation, show_code
from nnviz.ui.i18n import t

PAGE = "gradients"
VIEWS = ["surface", "directional", "field", "lab", "examples"]
SURFACE_KEYS = [*SURFACES, "custom"]
DEFAULT_SURFACE = "mountain"
DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*x^2"
GRID = 80
BOOK_GRID = ((-2.0, 2.25), 18)  # np.arange(-2, 2.5, 0.25)
BOOK_AXES = ((-2.0, 2.0), (-2.0, 2.0))
LAST_SURFACE = "_gradients_surface"
LAST_DRAWABLE = "_gradients_last_drawable"


def s(key: str, **values: object) -> str:
    return t(f"gradients.{key}", **values)


def num(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}".replace("-", "−") if np.isfinite(value) else "—"


# --- shared controls: the surface and the point P ------------------------------------------

def custom_surface() -> Surface:
    """The typed f(x, y) over ±span; a formula undefined on the whole window keeps the last drawable one."""
    left, right = st.columns([3, 1])
    with left:
        expr = formula_input("fxy", s("formula"), DEFAULT_FORMULA, variables=("x", "y"), help=s("formula_help"))
    with right:
        span = w.slider("span", s("span"), 0.5, 10.0, 3.0, step=0.5, help=s("span_help"))
    surface = surface_from_expression(expr, (-span, span))
    if not np.isfinite(surface_grid(surface, 25)[2]).any():
        st.error(s("undefined_everywhere"), icon=":material/error:")
        last_text, last_span = st.session_state.get(LAST_DRAWABLE, (DEFAULT_FORMULA, 3.0))
        st.caption(t("common.last_good", formula=last_text))
        return surface_from_expression(parse(last_text, ("x", "y")), (-last_span, last_span))
    st.session_state[LAST_DRAWABLE] = (expr.text, span)
    return surface


def slider_step(lim: tuple[float, float]) -> float:
    width = lim[1] - lim[0]
    return 0.01 if width <= 6 else 0.02 if width <= 12 else 0.05


def point_sliders(surface: Surface, key: str, columns) -> tuple[float, float]:
    """P = (x₀, y₀) inside the window; switching surface moves P to that surface's own start."""
    last = st.session_state.get(LAST_SURFACE)
    if last is not None and last != key:
        st.session_state["px"], st.session_state["py"] = surface.start
    st.session_state[LAST_SURFACE] = key
    point = []
    for column, name, lim, default, label in zip(columns, ("px", "py"), (surface.xlim, surface.ylim),
                                                  surface.start, ("x₀", "y₀")):
        if name in st.session_state:
            st.session_state[name] = float(np.clip(st.session_state[name], *lim))
        with column:
            point.append(w.slider(name, s("point", name=label), float(lim[0]), float(lim[1]), float(default),
                                  step=slider_step(lim), help=s("point_help")))
    return point[0], point[1]


def surface_controls() -> tuple[Surface, str, tuple[float, float]]:
    columns = st.columns([2, 1.4, 1.4])
    with columns[0]:
        key = w.choice("surface", s("surface"), SURFACE_KEYS, DEFAULT_SURFACE,
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


def formula_line(surface: Surface) -> None:
    if surface.latex:
        st.latex(r"f(x, y) = " + surface.latex)


def warn_undefined(Z: np.ndarray, fp: float, grad: np.ndarray) -> None:
    if not np.isfinite(fp) or not np.all(np.isfinite(grad)):
        st.warning(s("undefined_at_p"), icon=":material/warning:")
    elif not np.isfinite(Z).all():
        st.warning(s("gaps_on_grid"), icon=":material/warning:")


# --- views ------------------------------------------------------------------------------------

def surface_view() -> None:
    surface, key, point = surface_controls()
    X, Y, Z = surface_grid(surface, GRID)
    fp, grad = surface.value_at(point), surface.gradient_at(point)
    warn_undefined(Z, fp, grad)
    slices = gr.axis_slices(surface, point)
    labels = {"title_3d": s("title_3d"), "title_map": s("title_map"), "slice_x": s("slice_x", y0=num(point[1])),
              "slice_y": s("slice_y", x0=num(point[0])), "pick": s("pick")}
    map_chart(fig.surface_figure(X, Y, Z, point, fp, grad, slices, labels, presentation()), "map_surface",
              alt=s("alt_surface"), caption=s("caption_surface"),
              settings={"surface": key, "P": f"{point[0]:g}_{point[1]:g}"})
    titles = (s("slice_x_title", y0=num(point[1]), slope=num(grad[0])),
              s("slice_y_title", x0=num(point[0]), slope=num(grad[1])))
    left, right = st.columns([3, 2])
    with left:
        chart(fig.slices_figure(slices, point, titles, s("tangent"), presentation()), PAGE,
              alt=s("alt_slices"), caption=s("caption_slices"), settings={"surface": key, "view": "slices"})
    with right:
        formula_line(surface)
        numeric = numerical_gradient(surface.value_at, np.array(point))
        metrics = st.columns(2)
        metrics[0].metric("f(P)", num(fp))
        metrics[1].metric("|∇f(P)|", num(float(np.hypot(*grad))))
        metrics = st.columns(2)
        metrics[0].metric("∂f/∂x", num(grad[0]), help=s("metric_help"))
        metrics[1].metric("∂f/∂y", num(grad[1]), help=s("metric_help"))
        st.markdown(s("numeric_check", gx=num(numeric[0], 15), gy=num(numeric[1], 15)))
        st.markdown(s("partials_lesson"))
    show_code(gr.axis_slices, numerical_gradient)


def direction_controls(grad: np.ndarray) -> float:
    profile = directional_profile(grad if np.all(np.isfinite(grad)) else np.zeros(2))
    star = np.degrees(profile.theta_max)
    columns = st.columns([2.4, 1, 1, 1.4])
    with columns[0]:
        theta = w.slider("theta", s("theta"), 0.0, 360.0, 30.0, step=0.1, help=s("theta_help"), fmt="%.1f°")
    snaps = (("snap_up", star), ("snap_down", (star + 180) % 360), ("snap_level", (star + 90) % 360))
    for column, (label, angle) in zip(columns[1:], snaps):
        w.preset_button(s(label), {"theta": round(float(angle), 1)}, key=f"btn_{label}", where=column,
                        help=s(f"{label}_help"))
    return theta


def directional_view() -> None:
    surface, key, point = surface_controls()
    fp, grad = surface.value_at(point), surface.gradient_at(point)
    theta = direction_controls(grad)
    X, Y, Z = surface_grid(surface, GRID)
    warn_undefined(Z, fp, grad)
    finite_grad = grad if np.all(np.isfinite(grad)) else np.zeros(2)
    u = gr.direction_from_angle(theta)
    profile = directional_profile(finite_grad)
    labels = {k: s(f"dir_{k}") for k in ("title_map", "title_polar", "u", "grad", "descent", "level", "path",
                                         "max", "min", "zero", "current")}
    labels["pick"] = s("pick")
    map_chart(fig.direction_figure(X, Y, Z, point, finite_grad, u, theta, profile, labels, presentation()),
              "map_direction", alt=s("alt_direction"), caption=s("caption_direction"),
              settings={"surface": key, "theta": theta})
    half = 0.3 * min(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
    sl = gr.line_slice(surface, point, u, half)
    left, right = st.columns([3, 2])
    with left:
        chart(fig.line_slice_figure(sl, s("g_title", slope=num(sl.slope)),
                                    {"t": s("g_t"), "g": s("g_name"), "tangent": s("g_tangent")}, presentation()),
              PAGE, alt=s("alt_line_slice"), settings={"surface": key, "theta": theta, "view": "g"})
    with right:
        norm = float(np.hypot(*finite_grad))
        alpha = gr.angle_between(finite_grad, u)
        d = directional_derivative(lambda _: finite_grad, np.array(point), u)
        st.latex(r"D_{\mathbf u}f(P) = \nabla f\cdot\mathbf u = \lvert\nabla f\rvert\cos\alpha")
        st.latex(rf"= ({num(grad[0])})({num(u[0])}) + ({num(grad[1])})({num(u[1])})")
        if np.isfinite(alpha):
            st.latex(rf"= {num(norm)}\cdot\cos {np.degrees(alpha):.1f}^\circ = {num(d)}")
        else:
            st.info(s("critical_point"))
        if np.isfinite(fp):
            limit = directional_derivative_limit(surface.value_at, np.array(point), u)
            st.markdown(s("limit_check", value=num(limit, 10)))
        st.markdown(s("direction_lesson", max=num(norm), star=f"{np.degrees(profile.theta_max):.1f}"))
    show_code(directional_derivative, directional_profile)


def field_view(book: bool) -> None:
    if book:
        st.info(s("book_info"), icon=":material/menu_book:")
        surface, key, point, grad_p = get_surface("bowl"), "book", None, None
        lim, n = BOOK_GRID
        field = gradient_field(surface.grad, lim, lim, n)
        view = BOOK_AXES
        sign, normalise = -1, False
        X, Y, Z = surface_grid(surface, GRID, *view)
    else:
        surface, key, point = surface_controls()
        columns = st.columns(3)
        with columns[0]:
            sign_id = w.choice("sign", s("sign"), ["down", "up"], "down", format_func=lambda k: s(f"sign_{k}"),
                               kind="segmented")
        with columns[1]:
            length = w.choice("length", s("length"), ["true", "unit"], "true",
                              format_func=lambda k: s(f"length_{k}"), kind="segmented", help=s("length_help"))
        with columns[2]:
            n = int(w.slider("density", s("density"), 7, 31, 17, step=1, help=s("density_help")))
        sign, normalise = (-1 if sign_id == "down" else 1), length == "unit"
        field = gradient_field(surface.grad, surface.xlim, surface.ylim, n)
        view = (surface.xlim, surface.ylim)
        X, Y, Z = surface_grid(surface, GRID)
        grad_p = surface.gradient_at(point)
        warn_undefined(Z, surface.value_at(point), grad_p)
    arrows = s("arrows_down") if sign < 0 else s("arrows_up")
    labels = {"title": s("field_title_book") if book else s("field_title", arrows=arrows), "arrows": arrows,
              "at_p": s("arrow_at_p"), "level": s("dir_level"), "pick": s("pick"), "book": book}
    figure, k = fig.field_figure(X, Y, Z, field, sign, normalise, point, grad_p, view, labels, presentation())
    caption = s("caption_field_unit") if normalise else s("caption_field_true", k=num(k, 3))
    left, right = st.columns([3, 2])
    with left:
        map_chart(figure, "map_field", alt=s("alt_field"), caption=caption,
                  settings={"surface": key, "sign": sign, "n": field.X.shape[0]})
    with right:
        if point is not None and np.all(np.isfinite(grad_p)):
            arrow = sign * grad_p
            st.metric(s("field_at_p", arrows=arrows, x0=num(point[0]), y0=num(point[1])),
                      f"({num(arrow[0])}, {num(arrow[1])})")
            if np.hypot(*arrow) > 0:
                angle = np.degrees(gr.angle_between(arrow, gr.level_tangent(grad_p)))
                st.markdown(s("field_angle", angle=f"{angle:.1f}"))
        st.markdown(s("caption_field_right_angle"))
        st.markdown(s("field_lesson"))
    show_code(gradient_field, fig.arrow_paths)


def lab_view() -> None:
    columns = st.columns([3, 2, 2])
    with columns[0]:
        fn_key = w.choice("fn", s("lab_fn"), list(gr.LAB_FUNCTIONS), "book", format_func=lambda k: s(f"lab_fn_{k}"),
                          kind="segmented")
    with columns[1]:
        x0 = w.slider("lx", s("lab_x"), -10.0, 10.0, 5.0, step=0.5)
    with columns[2]:
        log_h = w.slider("logh", s("lab_h"), -16.0, 0.0, -4.0, step=0.5, help=s("lab_h_help"), fmt="%.1f")
    h = 10.0**log_h
    fn = gr.LAB_FUNCTIONS[fn_key]
    forward, central, exact = gr.lab_estimates(fn_key, x0, h)
    errors = {name: gr.lab_errors(fn_key, x0, name) for name in ("float64", "float32")}
    x = np.linspace(x0 - 6, x0 + 6, 241)
    labels = {"title_f": s("lab_title_f"), "title_err": s("lab_title_err"), "f": "f", "exact": s("lab_exact"),
              "numeric": s("lab_numeric", h=f"{h:.0e}"), "forward": s("lab_forward"), "central": s("lab_central"),
              "h": f" h = {h:.0e}"}
    chart(fig.lab_figure(x, fn.f(x), x0, float(fn.f(np.float64(x0))), exact, central, errors, h, labels,
                         presentation()),
          PAGE, alt=s("alt_lab"), caption=s("caption_lab"), settings={"fn": fn_key, "x": x0, "h": f"1e{log_h:g}"})
    left, right = st.columns([3, 2])
    with left:
        st.latex(fn.latex)
        table = pd.DataFrame({
            s("lab_col_method"): [s("lab_forward"), s("lab_central"), s("lab_exact_row")],
            s("lab_col_formula"): ["(f(x+h) − f(x)) / h", "(f(x+h) − f(x−h)) / 2h", "f′(x)"],
            s("lab_col_value"): [repr(forward), repr(central), repr(exact)],
            s("lab_col_error"): [f"{abs(forward - exact):.2e}", f"{abs(central - exact):.2e}", "0"],
        })
        st.markdown(s("lab_readout", x=num(x0), h=f"{h:.0e}"))
        st.dataframe(table, hide_index=True, width="stretch")
    with right:
        st.markdown(s("lab_book_heading"))
        golden = pd.DataFrame({
            "x": ["5", "10"],
            s("col_notes"): ["0.1999999999990898", "0.2999999999986347"],
            s("col_ours"): [repr(numerical_diff(gr.book_function, x)) for x in (5.0, 10.0)],
            s("lab_exact"): ["0.2", "0.3"],
        })
        st.dataframe(golden, hide_index=True, width="stretch")
        st.markdown(s("lab_lesson"))
    show_code(numerical_diff, difference_errors)


def comparison_table(rows: list[gr.Comparison]) -> None:
    st.dataframe(pd.DataFrame({
        s("col_quantity"): [s(f"q_{r.quantity}") for r in rows],
        s("col_notes"): [r.notes for r in rows],
        s("col_ours"): [r.ours for r in rows],
        s("col_agree"): ["✓" if r.agree else "✗" for r in rows],
    }), hide_index=True, width="stretch")


def examples_view() -> None:
    mountain = get_surface("mountain")
    point = (1.5, -1.0)
    grad = mountain.gradient_at(point)
    profile = directional_profile(grad)
    theta = float(np.degrees(profile.theta_max))
    X, Y, Z = surface_grid(mountain, GRID)
    left, right = st.columns([3, 2])
    with left:
        labels = {k: s(f"dir_{k}") for k in ("title_map", "title_polar", "u", "grad", "descent", "level", "path",
                                             "max", "min", "zero", "current")}
        labels["pick"] = ""
        u = gr.direction_from_angle(theta)
        chart(fig.direction_figure(X, Y, Z, point, grad, u, theta, profile, labels, presentation()), PAGE,
              alt=s("alt_example"), caption=s("caption_example"), settings={"example": "mountain"})
    with right:
        st.subheader(s("ex_mountain"))
        st.latex(r"z = 5 - x^2 - 2y^2,\quad \nabla z = (-2x,\,-4y),\quad P = (1.5,\,-1)")
        comparison_table(gr.mountain_example())
        st.caption(s("ex_mountain_note"))
        w.preset_button(s("ex_open"), {"view": "directional", "surface": "mountain", LAST_SURFACE: "mountain",
                                              "px": 1.5, "py": -1.0, "theta": round(theta, 1)},
                        key="btn_mountain", icon=":material/open_in_new:")
    left, right = st.columns(2)
    with left:
        st.subheader(s("ex_bowl"))
        st.latex(r"f = x^2 + y^2,\ P = (3, 4),\ h = 10^{-4}")
        comparison_table(gr.bowl_example())
        w.preset_button(s("ex_open_bowl"), {"view": "surface", "surface": "bowl", LAST_SURFACE: "bowl",
                                                    "px": 3.0, "py": 4.0},
                        key="btn_bowl", icon=":material/open_in_new:")
        st.caption(s("ex_bowl_note"))
    with right:
        st.subheader(s("ex_log"))
        st.latex(r"f = \ln(x^2 + y^2 + z^2),\ M_1(1,1,1) \to M_2(2,3,3)")
        comparison_table(gr.log_norm_example())
        st.caption(s("ex_log_note"))
    show_code(gr.mountain_example, gr.log_norm_example)


page_header(PAGE)
view = w.choice("view", s("view"), VIEWS, "surface", format_func=lambda v: s(f"view_{v}"), kind="segmented")
book = w.toggle("book", s("book"), help=s("book_help")) if view == "field" else False
{"surface": surface_view, "directional": directional_view, "lab": lab_view, "examples": examples_view,
 "field": lambda: field_view(book)}[view]()
