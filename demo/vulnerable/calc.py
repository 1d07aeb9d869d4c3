"""Quick arithmetic for the note editor ("= 12 * 7" becomes 84)."""


def evaluate(expression):
    return eval(expression)
