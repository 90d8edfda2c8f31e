#pragma once
#include "core/graph/graph.h"

namespace ortlite {

// Replaces every ai.onnx.preview.training Gradient node of `graph` by the nodes computing its
// gradients. Returns true if there were any. Throws kNotImplemented naming the op when a node
// between xs and y has no derivative here.
bool ExpandGradients(Graph& graph);

}  // namespace ortlite
