"""The Python side of the benchmark rows transformer,pointer (being written)."""


def run(args):
    raise SystemExit("transformer,pointer: not written yet")
