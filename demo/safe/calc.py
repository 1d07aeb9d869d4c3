"""Quick arithmetic for the note editor ("= 12 * 7" becomes 84).

The expression is parsed with `ast` and walked here, never handed to `eval`: only numbers,
parentheses and + - * / // % ** are understood, so a note cannot run code.
"""

import ast
import operator

MAX_LENGTH = 200
# Caps on ** keep "9 ** 9 ** 9" from tying up a worker.
MAX_POWER_BASE = 10**6
MAX_EXPONENT = 100

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class CalcError(ValueError):
    """The expression is not plain arithmetic, or has no finite value."""


def evaluate(expression):
    if len(expression) > MAX_LENGTH:
        raise CalcError("expression too long")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise CalcError("not an arithmetic expression") from exc
    try:
        return _evaluate(tree.body)
    except (ArithmeticError, RecursionError) as exc:
        raise CalcError(str(exc)) from exc


def _evaluate(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        too_big = abs(left) > MAX_POWER_BASE or abs(right) > MAX_EXPONENT
        if isinstance(node.op, ast.Pow) and too_big:
            raise CalcError("number too large")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    raise CalcError("only numbers, parentheses and + - * / // % ** are allowed")
