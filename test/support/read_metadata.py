"""Print an ONNX model's producer and metadata_props as one JSON object, read
with the reference onnx package.

Usage: read_metadata.py MODEL.onnx
"""
import json
import sys

import onnx


def main(path):
    model = onnx.load(path)
    print(json.dumps({
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "metadata": {p.key: p.value for p in model.metadata_props},
        "op_types": sorted({n.op_type for n in model.graph.node}),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
