#!/usr/bin/python3
"""Writes examples/custom_op_library/scaled_add.onnx, the model custom_op_runner runs: two nodes
of the custom op ortlite.examples::ScaledAdd (Z = A + alpha * B, float attribute alpha), a
standard Abs after them, and the library's lite op ortlite.examples::Softsign (x / (1 + |x|)):
    scaled   = ScaledAdd(x, y, alpha=2.0)             # x + 2y
    result   = Abs(ScaledAdd(scaled, x, alpha=-0.5))  # |0.5x + 2y|
    softsign = Softsign(scaled)
Run with Debian's python3 (python3-onnx): /usr/bin/python3 make_scaled_add_model.py"""
import os

import onnx
from onnx import TensorProto, helper


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    nodes = [
        helper.make_node("ScaledAdd", ["x", "y"], ["scaled"], name="scaled_add_0", domain="ortlite.examples",
                         alpha=2.0),
        helper.make_node("ScaledAdd", ["scaled", "x"], ["shifted"], name="scaled_add_1", domain="ortlite.examples",
                         alpha=-0.5),
        helper.make_node("Abs", ["shifted"], ["result"], name="abs"),
        helper.make_node("Softsign", ["scaled"], ["softsign"], name="softsign", domain="ortlite.examples"),
    ]
    graph = helper.make_graph(
        nodes, "scaled_add_example",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"]),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("scaled", TensorProto.FLOAT, ["n"]),
         helper.make_tensor_value_info("result", TensorProto.FLOAT, ["n"]),
         helper.make_tensor_value_info("softsign", TensorProto.FLOAT, ["n"])])
    model = helper.make_model(graph, producer_name="ortlite examples/custom_op_library",
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ortlite.examples", 1)])
    model.ir_version = 8
    model.doc_string = "Uses the custom ops ortlite.examples::ScaledAdd and Softsign from libcustom_op_library.so"
    path = os.path.join(here, "scaled_add.onnx")
    onnx.save(model, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
