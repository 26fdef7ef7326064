"""Safe parsing of user-typed formulas into SymPy expressions.

The text is parsed with :mod:`ast` and every node is checked against a
whitelist before a SymPy object is built from it by hand. Nothing the user
types ever reaches ``eval``, ``sympify`` or ``parse_expr``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

MAX_LENGTH = 200
MAX_DEPTH = 120
MAX_NUMBER = 1e6
MAX_EXPONENT = 100
MAX_LOG10_MAGNITUDE = 300


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def _relu(z: sp.Expr) -> sp.Expr:
    return sp.Max(0, z)


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
VARIADIC_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {"max": sp.Max, "min": sp.Min}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E}

# Typographic characters people paste from slides, mapped to Python syntax.
_REPLACEMENTS = {"^": "**", "×": "*", "·": "*", "−": "-", "÷": "/", "²": "**2", "³": "**3"}

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


@dataclass(frozen=True)
class Expression:
    """A parsed formula: SymPy form, vectorised NumPy evaluation, derivatives, LaTeX."""

    text: str
    sympy: sp.Expr
    variables: tuple[str, ...]
    _numpy: Callable[..., object] = field(repr=False, compare=False)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sp.Symbol(v, real=True) for v in self.variables)

    @property
    def latex(self) -> str:
        return sp.latex(self.sympy)

    def __call__(self, *values: np.ndarray | float) -> np.ndarray:
        """Evaluate on arrays (broadcast together); undefined points give NaN or ±inf."""
        arrays = [np.asarray(v, dtype=float) for v in values]
        if any(a.shape != arrays[0].shape for a in arrays[1:]):
            arrays = np.broadcast_arrays(*arrays)
        with np.errstate(all="ignore"):
            result = np.asarray(self._numpy(*arrays))
        if np.iscomplexobj(result):
            result = np.where(np.imag(result) == 0, np.real(result), np.nan)
        shape = arrays[0].shape if arrays else ()
        if result.shape == shape:
            return np.array(result, dtype=float)  # a copy: f(x) = x must not hand back the input
        return np.broadcast_to(result.astype(float), shape).copy()

    def diff(self, variable: str) -> "Expression":
        """The partial derivative with respect to ``variable`` (cached)."""
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
    expr = builder.build(tree.body, depth=0)
    if expr.has(sp.zoo, sp.nan) or expr.has(sp.oo) or expr.has(-sp.oo):
        raise ExpressionError(
            "undefined",
            "The formula is undefined everywhere (for example a division by zero).",
            "该公式处处无定义（例如除以零）。",
        )
    return _make(text.strip(), expr, tuple(variables))


def _normalise(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty", "Please type a formula.", "请输入一个公式。")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            "too_long",
            f"The formula is too long: at most {MAX_LENGTH} characters.",
            f"公式过长：最多 {MAX_LENGTH} 个字符。",
        )
    source = text.strip()
    for old, new in _REPLACEMENTS.items():
        source = source.replace(old, new)
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
    """Turns a whitelisted AST into SymPy, node by node."""

    def __init__(self, symbols: dict[str, sp.Symbol]) -> None:
        self.symbols = symbols

    def build(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ExpressionError(
                "too_deep", "The formula is nested too deeply.", "公式嵌套层数过多。"
            )
        if isinstance(node, ast.Constant):
            return self._number(node.value)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self._power(self.build(node.left, depth + 1), self.build(node.right, depth + 1))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPS:
            left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
            return _BINARY_OPS[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
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

    def _power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_number and (not exponent.is_real or abs(float(exponent)) > MAX_EXPONENT):
            raise ExpressionError(
                "exponent_too_large",
                f"Exponents may be at most {MAX_EXPONENT} in size.",
                f"指数的绝对值不能超过 {MAX_EXPONENT}。",
            )
        if base.is_number and exponent.is_number and base != 0:
            magnitude = abs(float(exponent)) * math.log10(abs(complex(base)))
            if magnitude > MAX_LOG10_MAGNITUDE:
                raise ExpressionError(
                    "number_too_large",
                    "This power gives a number too large to work with.",
                    "该乘方得到的数太大，无法计算。",
                )
        return base**exponent

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if node.keywords or name is None or not (name in UNARY_FUNCTIONS or name in VARIADIC_FUNCTIONS):
            names = ", ".join([*UNARY_FUNCTIONS, *VARIADIC_FUNCTIONS])
            raise ExpressionError(
                "unknown_function",
                f"Unknown function. Available: {names}.",
                f"未知函数。可用函数：{names}。",
            )
        args = [self.build(a, depth + 1) for a in node.args]
        if name in UNARY_FUNCTIONS and len(args) == 1:
            return UNARY_FUNCTIONS[name](args[0])
        if name in VARIADIC_FUNCTIONS and len(args) >= 2:
            return VARIADIC_FUNCTIONS[name](*args)
        raise ExpressionError(
            "arguments",
            f"{name} takes {'one argument' if name in UNARY_FUNCTIONS else 'two or more arguments'}.",
            f"{name} 需要{'一个参数' if name in UNARY_FUNCTIONS else '两个或更多参数'}。",
        )


@lru_cache(maxsize=512)
def _derivative(expr: Expression, variable: str) -> Expression:
    symbol = expr.symbols[expr.variables.index(variable)]
    return _make(f"d({expr.text})/d{variable}", sp.diff(expr.sympy, symbol), expr.variables)


def _heaviside_zero_at_zero(expr: sp.Expr) -> sp.Expr:
    """Evaluate H(0) as 0 at kinks (max, relu), as ReLU'(0) = 0 elsewhere in nnviz."""
    return expr.replace(sp.Heaviside, lambda arg, *_: sp.Heaviside(arg, 0))


def _make(text: str, expr: sp.Expr, variables: tuple[str, ...]) -> Expression:
    symbols = [sp.Symbol(v, real=True) for v in variables]
    numeric = _heaviside_zero_at_zero(expr)
    numpy_fn = sp.lambdify(symbols, numeric, modules=[_NUMPY_OVERRIDES, "numpy"])
    return Expression(text=text, sympy=expr, variables=variables, _numpy=numpy_fn)


# Max/Min lambdify to numpy.amax over a tuple, which fails on mixed scalars and
# arrays; elementwise maximum/minimum broadcast correctly. NumPy has no erf.
_NUMPY_OVERRIDES = {
    "erf": np.vectorize(math.erf, otypes=[float]),
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
