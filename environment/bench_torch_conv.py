"""The Python side of the benchmark rows resnet,unet (being written)."""


def run(args):
    raise SystemExit("resnet,unet: not written yet")
