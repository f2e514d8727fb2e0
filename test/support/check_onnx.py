"""Validate ONNX models with the reference onnx package and report inferred shapes.

Usage: check_onnx.py MODEL.onnx [MODEL.onnx ...]

Prints one JSON object per line, per model:
  {"ok": true, "shapes": {value: [dim, ...]}, "declared": {...}}
  {"ok": false, "error": "..."}
`shapes` comes from shape inference on a copy of the model stripped of the
emitter's value_info and output shapes, so it is what onnx derives on its own,
not an echo of the annotations. `declared` lists the annotations as emitted.
dim_param dimensions appear as strings, unknown dimensions as null.

Exit status 3 (with {"fatal": ...}) when onnx cannot be imported: the caller
must treat that as a failure, never as a skipped check.
"""
import json
import sys

try:
    import onnx
    from onnx import checker, shape_inference
except Exception as exc:  # noqa: BLE001 - any import failure is fatal here
    print(json.dumps({"fatal": "cannot import onnx with %s: %s" % (sys.executable, exc)}))
    sys.exit(3)


def dims_of(value_info):
    tensor_type = value_info.type.tensor_type
    if not tensor_type.HasField("shape"):
        return None
    dims = []
    for dim in tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(dim.dim_value)
        elif dim.HasField("dim_param"):
            dims.append(dim.dim_param)
        else:
            dims.append(None)
    return dims


def shapes_of(graph):
    shapes = {}
    for value_info in list(graph.input) + list(graph.output) + list(graph.value_info):
        shapes[value_info.name] = dims_of(value_info)
    return shapes


def check(path):
    model = onnx.load(path)
    declared = shapes_of(model.graph)
    # full_check also runs strict, type-checked shape inference, which fails
    # when an inferred shape contradicts a declared value_info shape.
    checker.check_model(model, full_check=True)
    shape_inference.infer_shapes(model, check_type=True, strict_mode=True)

    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    del bare.graph.value_info[:]
    for output in bare.graph.output:
        output.type.tensor_type.ClearField("shape")
    inferred = shape_inference.infer_shapes(bare, check_type=True, strict_mode=True)
    return {"ok": True, "shapes": shapes_of(inferred.graph), "declared": declared}


def main(paths):
    for path in paths:
        try:
            result = check(path)
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a failed check
            result = {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
