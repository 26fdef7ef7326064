"""Safe parsing of user-typed formulas into SymPy expressions.

The text is checked character by character, parsed with :mod:`ast`, and every
node is checked against a whitelist before a SymPy object is built from it by
hand. Nothing the user types ever reaches ``eval``, ``sympify`` or ``parse_expr``.
A formula is accepted only when it and its derivatives up to the second order
fit a budget (depth, nesting, size, exponents, folded constants), so that every
page that draws it finishes quickly; anything else is a bilingual ExpressionError.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

MAX_LENGTH = 200
MAX_DEPTH = 40
MAX_NUMBER = 1e6
MAX_EXPONENT = 100
MAX_LOG10_MAGNITUDE = 300
# The symbolic budget: functions and variable exponents nested inside each other, the arguments
# of max/min, and the size of the formula and of its first and second derivatives.
MAX_NESTING = 8
MAX_ARGUMENTS = 8
MAX_SIZE = 2000
DERIVATIVE_ORDER = 2


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def _relu(z: sp.Expr) -> sp.Expr:
    return _max(sp.Integer(0), z)


def _max(*args: sp.Expr) -> sp.Expr:
    return _extremum(sp.Max, args)


def _min(*args: sp.Expr) -> sp.Expr:
    return _extremum(sp.Min, args)


def _extremum(func: type, args: tuple[sp.Expr, ...]) -> sp.Expr:
    """max/min, simplified by SymPy only when every argument is a number: comparing formulas
    (is exp(x) ≥ x² here?) costs SymPy seconds on a few nested arguments."""
    if len(args) == 1:
        return args[0]
    return func(*args, evaluate=all(a.is_number for a in args))


UNARY_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "abs": sp.Abs,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "erf": sp.erf,
    "sigmoid": _sigmoid,
    "relu": _relu,
}
VARIADIC_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {"max": _max, "min": _min}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E}

# Typographic characters people paste from slides, mapped to Python syntax.
_REPLACEMENTS = {"^": "**", "×": "*", "·": "*", "−": "-", "÷": "/", "²": "**2", "³": "**3"}
# Everything the grammar can use once the replacements are made; anything else (a comment "#",
# quotes, "<", a backslash, letters Python would fold into ASCII) is refused before parsing.
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,+-*/()π")

_BINARY_OPS: dict[type, Callable[[sp.Expr, sp.Expr], sp.Expr]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class ExpressionError(ValueError):
    """A formula that cannot be accepted; carries its message in English and Chinese."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.code = code
        self.messages = {"en": en, "zh": zh}

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("en" or "zh"), English for anything else."""
        return self.messages.get(lang, self.messages["en"])


def _too_complex() -> ExpressionError:
    return ExpressionError(
        "too_complex",
        "This formula is too complex to draw quickly: nest fewer functions or use smaller powers.",
        "该公式过于复杂，无法快速绘制：请减少函数嵌套或使用更小的幂。",
    )


def _undefined() -> ExpressionError:
    return ExpressionError(
        "undefined",
        "The formula is undefined everywhere (for example a division by zero).",
        "该公式处处无定义（例如除以零）。",
    )


def _undefined_constant(expr: sp.Expr) -> bool:
    return expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


def _complex() -> ExpressionError:
    return ExpressionError(
        "complex",
        "The formula produces complex numbers (for example sqrt(-1) or log(-2)); nnviz works with real numbers.",
        "该公式产生了复数（例如 sqrt(-1) 或 log(-2)）；nnviz 只处理实数。",
    )


@dataclass(frozen=True)
class Expression:
    """A parsed formula: SymPy form, vectorised NumPy evaluation, derivatives, LaTeX.

    ``text`` is the normalised rendering of what was typed (only grammar tokens, never the raw
    text): safe to show in legends, captions, alt text and file names, and it parses back.
    """

    text: str
    sympy: sp.Expr
    variables: tuple[str, ...]
    _numpy: Callable[..., object] = field(repr=False, compare=False)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sp.Symbol(v, real=True) for v in self.variables)

    @property
    def latex(self) -> str:
        """LaTeX of the formula, printed from symbols without assumptions: of real symbols the
        printer asks costly questions (is this exponent constant?); the output is the same."""
        with sp.evaluate(False):  # swapping the symbols must not re-simplify the tree
            plain = self.sympy.xreplace({s: sp.Symbol(s.name) for s in self.symbols})
        return sp.latex(plain)

    def __call__(self, *values: np.ndarray | float) -> np.ndarray:
        """Evaluate on arrays (broadcast together); undefined points give NaN or ±inf."""
        arrays = [np.asarray(v, dtype=float) for v in values]
        if any(a.shape != arrays[0].shape for a in arrays[1:]):
            arrays = np.broadcast_arrays(*arrays)
        shape = arrays[0].shape if arrays else ()
        with np.errstate(all="ignore"):
            try:
                result = np.asarray(self._numpy(*arrays))
            except (TypeError, ValueError, OverflowError, ZeroDivisionError):
                return np.full(shape, np.nan)  # a value NumPy cannot represent: undefined here
        if np.iscomplexobj(result):
            result = np.where(np.imag(result) == 0, np.real(result), np.nan)
        if result.dtype == object:
            return np.full(shape, np.nan)
        if result.shape == shape:
            return np.array(result, dtype=float)  # a copy: f(x) = x must not hand back the input
        return np.broadcast_to(result.astype(float), shape).copy()

    def diff(self, variable: str) -> "Expression":
        """The partial derivative with respect to ``variable`` (cached).

        At a tie of max/min the slope is taken from the left (see docs/conventions.md).
        """
        return _derivative(self, variable)

    def gradient(self) -> tuple["Expression", ...]:
        """All first partial derivatives, in the order of ``variables``."""
        return tuple(self.diff(v) for v in self.variables)


@lru_cache(maxsize=512)
def parse(text: str, variables: tuple[str, ...] = ("x",)) -> Expression:
    """Parse ``text`` into an :class:`Expression` of ``variables``, or raise ExpressionError.

    Results are cached: an Expression is immutable, and pages re-parse on every rerun.
    """
    source = _normalise(text)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise _syntax_error(source) from exc
    builder = _Builder({v: sp.Symbol(v, real=True) for v in variables})
    with _sympy_failures():
        expr = builder.build(tree.body, depth=0, nesting=0)
        check_expression(expr)
        parsed = _make(ast.unparse(tree.body), expr, tuple(variables))
        _check_derivatives(parsed)
    return parsed


@contextmanager
def _sympy_failures() -> Iterator[None]:
    """Turn anything SymPy raises while building or differentiating (it cannot compare two
    arguments of min, say) into our ExpressionError; ours pass through."""
    try:
        yield
    except ExpressionError:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError, NotImplementedError, AttributeError,
            KeyError, IndexError) as exc:
        raise ExpressionError(
            "unsupported",
            "nnviz cannot work with this formula symbolically. Try writing it in a simpler way.",
            "nnviz 无法对该公式进行符号运算。请尝试用更简单的方式书写。",
        ) from exc


def _normalise(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty", "Please type a formula.", "请输入一个公式。")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            "too_long",
            f"The formula is too long: at most {MAX_LENGTH} characters.",
            f"公式过长：最多 {MAX_LENGTH} 个字符。",
        )
    source = " ".join(text.split())
    for old, new in _REPLACEMENTS.items():
        source = source.replace(old, new)
    if "#" in source:
        raise ExpressionError(
            "comment", "A formula cannot contain '#' (comments are not allowed).",
            "公式中不能包含“#”（不允许注释）。",
        )
    refused = sorted({c for c in source if c not in _ALLOWED})
    if refused:
        shown = " ".join(f"U+{ord(c):04X}" if not c.isprintable() else c for c in refused[:5])
        raise ExpressionError(
            "character",
            f"These characters cannot appear in a formula: {shown}",
            f"公式中不能出现这些字符：{shown}",
        )
    return source


def _syntax_error(source: str) -> ExpressionError:
    if source.count("(") != source.count(")"):
        return ExpressionError(
            "parentheses", "The parentheses do not match.", "括号不匹配。"
        )
    for i in range(len(source) - 1):
        if source[i].isdigit() and (source[i + 1].isalpha() or source[i + 1] == "("):
            return ExpressionError(
                "implicit_product",
                f"Write multiplication with '*', for example {source[i]}*{source[i + 1]}.",
                f"乘法请用“*”表示，例如 {source[i]}*{source[i + 1]}。",
            )
    return ExpressionError(
        "syntax",
        "This is not a formula nnviz can read. Example: x**2 + 3*sin(x).",
        "无法识别该公式。示例：x**2 + 3*sin(x)。",
    )


class _Builder:
    """Turns a whitelisted AST into SymPy, node by node.

    ``depth`` counts AST levels (a chain a + b + c … as one), ``nesting`` the functions and variable exponents around a node:
    each of those can double the size of a derivative.
    """

    def __init__(self, symbols: dict[str, sp.Symbol]) -> None:
        self.symbols = symbols

    def build(self, node: ast.AST, depth: int, nesting: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError(
                "too_deep", "The formula is nested too deeply.", "公式嵌套层数过多。"
            )
        if nesting > MAX_NESTING:
            raise _too_complex()
        built = self._node(node, depth, nesting)
        if _undefined_constant(built):
            raise _undefined()
        if isinstance(built, sp.Number):
            _check_log10(_log10_size(built))
        elif built.is_number:
            _check_constant(built)
        return built

    def _node(self, node: ast.AST, depth: int, nesting: int) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self._number(node.value)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1, nesting)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = self.build(node.right, depth + 1, nesting + 1)
            inner = nesting if exponent.is_number else nesting + 1
            return _power(self.build(node.left, depth + 1, inner), exponent)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPS:  # a flat sum is not deep
            left, right = self.build(node.left, depth, nesting), self.build(node.right, depth + 1, nesting)
            return _BINARY_OPS[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth, nesting)
        raise ExpressionError(
            "not_allowed",
            "Only numbers, the variables, + - * / ** ^ and the listed functions are allowed.",
            "只允许使用数字、变量、+ - * / ** ^ 以及列出的函数。",
        )

    def _number(self, value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError("not_a_number", "Only plain numbers are allowed.", "只允许普通数字。")
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise ExpressionError(
                "number_too_large",
                f"Numbers may be at most {MAX_NUMBER:g} in size.",
                f"数字的绝对值不能超过 {MAX_NUMBER:g}。",
            )
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    def _name(self, name: str) -> sp.Expr:
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        allowed = ", ".join(self.symbols)
        raise ExpressionError(
            "unknown_name",
            f"Unknown name '{name}'. Use the variable(s) {allowed}, pi or e.",
            f"未知名称“{name}”。请使用变量 {allowed}、pi 或 e。",
        )

    def _call(self, node: ast.Call, depth: int, nesting: int) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if node.keywords or name is None or not (name in UNARY_FUNCTIONS or name in VARIADIC_FUNCTIONS):
            names = ", ".join([*UNARY_FUNCTIONS, *VARIADIC_FUNCTIONS])
            raise ExpressionError(
                "unknown_function",
                f"Unknown function. Available: {names}.",
                f"未知函数。可用函数：{names}。",
            )
        if len(node.args) > MAX_ARGUMENTS:
            raise ExpressionError(
                "arguments",
                f"{name} takes at most {MAX_ARGUMENTS} arguments.",
                f"{name} 最多接受 {MAX_ARGUMENTS} 个参数。",
            )
        args = [self.build(a, depth + 1, nesting + 1) for a in node.args]
        if name in UNARY_FUNCTIONS and len(args) == 1:
            return UNARY_FUNCTIONS[name](args[0])
        if name in VARIADIC_FUNCTIONS and len(args) >= 2:
            return VARIADIC_FUNCTIONS[name](*args)
        raise ExpressionError(
            "arguments",
            f"{name} takes {'one argument' if name in UNARY_FUNCTIONS else 'two or more arguments'}.",
            f"{name} 需要{'一个参数' if name in UNARY_FUNCTIONS else '两个或更多参数'}。",
        )


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """base**exponent, refusing exponents beyond ±MAX_EXPONENT and constant powers beyond float range."""
    if exponent.is_number and (exponent.is_real is not True or abs(float(exponent)) > MAX_EXPONENT):
        raise ExpressionError(
            "exponent_too_large",
            f"Exponents may be at most {MAX_EXPONENT} in size.",
            f"指数的绝对值不能超过 {MAX_EXPONENT}。",
        )
    if base.is_number and exponent.is_number and base.is_real and base != 0:
        size = _log10_size(base) if isinstance(base, sp.Number) else math.log10(abs(float(base)))
        _check_log10(float(exponent) * size)
    return base**exponent


def _check_log10(log10_size: float) -> None:
    """Refuse a constant of size 10**log10_size outside the float range (with its sign)."""
    if log10_size > MAX_LOG10_MAGNITUDE:
        raise ExpressionError(
            "number_too_large",
            f"The formula contains a number larger than 1e{MAX_LOG10_MAGNITUDE}, too large to work with.",
            f"公式中出现了大于 1e{MAX_LOG10_MAGNITUDE} 的数，太大，无法计算。",
        )
    if log10_size < -MAX_LOG10_MAGNITUDE:
        raise ExpressionError(
            "number_too_small",
            f"The formula contains a number closer to 0 than 1e-{MAX_LOG10_MAGNITUDE}, too small to work with.",
            f"公式中出现了比 1e-{MAX_LOG10_MAGNITUDE} 更接近 0 的数，太小，无法计算。",
        )


def _check_constant(value: sp.Expr) -> None:
    """Refuse a constant part of the formula (sin(2), exp(exp(7))) whose float value is out of range.

    It is evaluated the way NumPy will evaluate it, before SymPy is asked to compare it with
    anything (comparing exp(exp(exp(10))) with x would make SymPy work for seconds).
    """
    with np.errstate(all="ignore"):
        number = complex(np.asarray(sp.lambdify((), _numeric_form(value), modules=[_NUMPY_OVERRIDES, "numpy"])()))
    if math.isnan(number.real) or math.isnan(number.imag):
        raise ExpressionError(
            "undefined",
            "A constant part of the formula is undefined (for example log(0) or 0/0).",
            "公式中有一个常数部分无定义（例如 log(0) 或 0/0）。",
        )
    if number.imag:
        raise _complex()
    _check_log10(math.log10(abs(number.real)) if number.real else 0.0)


def _log10_size(number: sp.Number) -> float:
    """log₁₀|number| (about, to within 1), for any SymPy number however large or small; 0 for 0."""
    if number == 0:
        return 0.0
    if isinstance(number, sp.Float):
        _, mantissa, exponent, _ = number._mpf_
        return (exponent + mantissa.bit_length()) * math.log10(2)
    p, q = abs(int(number.p)), int(number.q)
    return (p.bit_length() - q.bit_length()) * math.log10(2)


def check_expression(expr: sp.Expr) -> None:
    """Raise ExpressionError unless ``expr`` is real, defined somewhere and within the budget.

    Checks every folded constant (after SymPy's simplification) against the float range, every
    numeric exponent against ±MAX_EXPONENT (so nested powers cannot combine into x**10**8), the
    absence of complex numbers and of undefined constants, and the size of the tree.
    """
    if _undefined_constant(expr):
        raise _undefined()
    if expr.has(sp.I) or any(n.is_real is False for n in expr.atoms(sp.Number)):
        raise _complex()
    for number in expr.atoms(sp.Number):
        _check_log10(_log10_size(number))
    for power in expr.atoms(sp.Pow):
        if power.exp.is_number and abs(float(power.exp)) > MAX_EXPONENT:
            raise ExpressionError(
                "exponent_too_large",
                f"The powers combine into an exponent larger than {MAX_EXPONENT}.",
                f"这些乘方合起来的指数超过了 {MAX_EXPONENT}。",
            )
    if tree_size(expr) > MAX_SIZE:
        raise _too_complex()


def tree_size(expr: sp.Basic) -> int:
    """The number of nodes of ``expr`` written out as a tree (shared subtrees counted each time).

    This is the size of what printing, LaTeX and NumPy code generation walk; it is computed in
    time proportional to the number of distinct subtrees.
    """
    sizes: dict[sp.Basic, int] = {}

    def size(node: sp.Basic) -> int:
        if node not in sizes:
            sizes[node] = 1 + sum(size(a) for a in node.args)
        return sizes[node]

    return size(expr)


def degree_bound(expr: sp.Expr) -> float:
    """An upper bound on the total degree of ``expr`` as a polynomial; inf if it is not one.

    Read from the tree without expanding it, so ``(x+1)**99*(x-1)**99`` costs nothing.
    """
    if expr.is_number:
        return 0.0
    if isinstance(expr, sp.Symbol):
        return 1.0
    if isinstance(expr, sp.Add):
        return max(degree_bound(a) for a in expr.args)
    if isinstance(expr, sp.Mul):
        return sum(degree_bound(a) for a in expr.args)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp >= 0:
        return int(expr.exp) * degree_bound(expr.base)
    return math.inf


def _check_derivatives(expr: Expression) -> None:
    """Every partial derivative up to DERIVATIVE_ORDER fits the size budget (and is built now, cached)."""
    frontier = [expr]
    for _ in range(DERIVATIVE_ORDER):
        frontier = [f.diff(v) for f in frontier for v in expr.variables]
        if any(tree_size(f.sympy) > MAX_SIZE for f in frontier):
            raise _too_complex()


@lru_cache(maxsize=1024)
def _derivative(expr: Expression, variable: str) -> Expression:
    symbol = expr.symbols[expr.variables.index(variable)]
    with _sympy_failures():
        return _make(f"d({expr.text})/d{variable}", kink_diff(expr.sympy, symbol), expr.variables)


def kink_diff(expr: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """d expr / d symbol, with max and min differentiated by the left-slope rule at ties.

    Where the arguments of max tie, the result is the smallest of their slopes (for min the
    largest): the slope just left of the tie, as the book's ReLU (mask x <= 0, so ReLU'(0) = 0)
    and Leaky ReLU (slope α at 0). SymPy's own rule gives 0 there (both Heaviside terms at 0).
    Dirac deltas (from abs, sign, Heaviside) are dropped: the derivative is the one off the kink.
    """
    if not expr.has(sp.Max, sp.Min):
        result = sp.diff(expr, symbol)
    elif isinstance(expr, (sp.Max, sp.Min)):
        result = _minmax_diff(expr, symbol)
    else:  # the chain rule, with each argument differentiated by kink_diff
        holders = [sp.Dummy(real=True) for _ in expr.args]
        outer = expr.func(*holders)
        back = dict(zip(holders, expr.args))
        result = sp.Add(*[sp.diff(outer, h).xreplace(back) * kink_diff(a, symbol)
                          for h, a in zip(holders, expr.args) if a.has(symbol)])
    if not result.has(sp.DiracDelta):
        return result
    with sp.evaluate(False):  # rebuilding must not re-simplify (comparing the arguments of max is slow)
        return result.replace(sp.DiracDelta, lambda *_: sp.Integer(0))


def _minmax_diff(expr: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """d max(a, r) = a'·H(a − r) + r'·H(r − a) + min(a', r')·[a = r], with H(0) = 0 (min: mirrored)."""
    first, rest = expr.args[0], _extremum(expr.func, expr.args[1:])
    d_first, d_rest = kink_diff(first, symbol), kink_diff(rest, symbol)
    sign = 1 if isinstance(expr, sp.Max) else -1
    first_wins, rest_wins = sp.Heaviside(sign * (first - rest), 0), sp.Heaviside(sign * (rest - first), 0)
    tie = _min(d_first, d_rest) if sign == 1 else _max(d_first, d_rest)
    return d_first * first_wins + d_rest * rest_wins + tie * (1 - first_wins - rest_wins)


def _numeric_form(expr: sp.Expr) -> sp.Expr:
    """What NumPy evaluates: Dirac deltas (second derivatives of abs) as 0, their value off the
    kink; Heaviside steps as NumPy's with H(0) = 0; integers too large for a machine word as floats."""
    with sp.evaluate(False):  # rebuilding must not re-simplify (comparing the arguments of max is slow)
        expr = expr.replace(sp.DiracDelta, lambda *_: sp.Integer(0))
        expr = expr.replace(sp.Heaviside, lambda arg, *_: _STEP(arg))  # SymPy's printer would solve inequalities
        big = [n for n in expr.atoms(sp.Integer) if abs(n) > 2**53]
        if not big:
            return expr
        # constants built on them (sin(10**300)) are evaluated exactly by SymPy, then the rest as floats
        folded = {e: e.evalf() for e in sp.preorder_traversal(expr) if e.is_number and not e.is_Number and e.has(*big)}
        return expr.xreplace(folded).xreplace({n: sp.Float(n) for n in big})


class _Compiled:
    """The NumPy function of an expression, generated on its first call (code generation is most
    of the cost of a derivative, and the budget check builds derivatives no page evaluates)."""

    def __init__(self, expr: sp.Expr, variables: tuple[str, ...]) -> None:
        self.expr, self.variables = expr, variables
        self.function: Callable[..., object] | None = None

    def __call__(self, *arrays: np.ndarray) -> object:
        if self.function is None:
            symbols = [sp.Symbol(v, real=True) for v in self.variables]
            self.function = sp.lambdify(symbols, _numeric_form(self.expr), modules=[_NUMPY_OVERRIDES, "numpy"])
        return self.function(*arrays)


def _make(text: str, expr: sp.Expr, variables: tuple[str, ...]) -> Expression:
    return Expression(text=text, sympy=expr, variables=variables, _numpy=_Compiled(expr, variables))


def _real_erf(value: float) -> float:
    try:
        return math.erf(value)
    except TypeError:  # a complex intermediate value: undefined on the real line
        return math.nan


# Max/Min lambdify to numpy.amax over a tuple, which fails on mixed scalars and
# arrays; elementwise maximum/minimum broadcast correctly. NumPy has no erf.
_STEP = sp.Function("kink_step")
_NUMPY_OVERRIDES = {
    "kink_step": lambda a: np.heaviside(a, 0.0),
    "erf": np.vectorize(_real_erf, otypes=[float]),
    "amax": lambda args, axis=0: np.maximum.reduce(np.broadcast_arrays(*args)),
    "amin": lambda args, axis=0: np.minimum.reduce(np.broadcast_arrays(*args)),
}


def syntax_tree(text: str, variables: tuple[str, ...] = ("x",)) -> ast.expr:
    """The checked syntax tree ``parse`` builds its SymPy expression from (a fresh copy each call).

    Raises ExpressionError exactly when ``parse`` does; only then is the tree handed out, so every
    node in it passed the whitelist. Used by nnviz.core.graph to draw the formula as it was typed.
    """
    parse(text, variables)
    return ast.parse(_normalise(text), mode="eval").body
