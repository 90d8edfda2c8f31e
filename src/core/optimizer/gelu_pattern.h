// The common tail of the Gelu forms exporters emit:  0.5 * x * (1 + f(...))  with f = erf or tanh,
// in any association of the three factors:
//   (x * h) * 0.5,   x * (h * 0.5),   (x * 0.5) * h,   with h = 1 + f(...)
// (each product in either operand order).
#pragma once
#include <optional>
#include <vector>

#include "core/optimizer/pattern_utils.h"

namespace ortlite {
namespace opt {

struct GeluTail {
  Node* last = nullptr;            // the final Mul, whose output the fused node takes over
  std::vector<NodeIndex> nodes;    // the Add and Muls of the tail
};

// Matches the tail starting at `f_out` (the erf/tanh output) for input `x`.
inline std::optional<GeluTail> MatchGeluTail(const Graph& g, const NodeArg* f_out, const NodeArg* x) {
  auto mul_with = [&](const NodeArg* v, auto&& pred) -> Node* {
    for (Node* c : g.GetConsumerNodes(v->Name())) {
      if (!IsOp(*c, "Mul") || c->InputDefs().size() != 2) continue;
      const size_t side = c->InputDefs()[0] == v ? 0 : 1;
      if (c->InputDefs()[side] != v) continue;
      if (pred(OtherInput(*c, side))) return c;
    }
    return nullptr;
  };
  auto is_half = [&](const NodeArg* a) { return IsScalarFor(g, a, 0.5, x); };
  auto is_x = [&](const NodeArg* a) { return a == x; };
  for (Node* add : g.GetConsumerNodes(f_out->Name())) {
    if (!IsOp(*add, "Add") || add->InputDefs().size() != 2) continue;
    const size_t side = add->InputDefs()[0] == f_out ? 0 : 1;
    if (!IsScalarFor(g, OtherInput(*add, side), 1.0, x)) continue;
    const NodeArg* h = add->OutputDefs()[0];
    GeluTail tail;
    tail.nodes.push_back(add->Index());
    if (Node* m1 = mul_with(h, is_x)) {  // (x * h) * 0.5
      if (Node* m2 = mul_with(m1->OutputDefs()[0], is_half)) {
        tail.nodes.push_back(m1->Index());
        tail.last = m2;
        return tail;
      }
    }
    if (Node* m1 = mul_with(h, is_half)) {  // x * (h * 0.5)
      if (Node* m2 = mul_with(m1->OutputDefs()[0], is_x)) {
        tail.nodes.push_back(m1->Index());
        tail.last = m2;
        return tail;
      }
    }
    auto is_half_x = [&](const NodeArg* a) {  // (x * 0.5) * h
      Node* p = a ? g.GetProducerNode(a->Name()) : nullptr;
      if (!p || !IsOp(*p, "Mul") || p->InputDefs().size() != 2) return false;
      for (size_t s = 0; s < 2; ++s)
        if (p->InputDefs()[s] == x && is_half(OtherInput(*p, s))) return true;
      return false;
    };
    if (Node* m = mul_with(h, is_half_x)) {
      const NodeArg* half_x = OtherInput(*m, m->InputDefs()[0] == h ? 0 : 1);
      tail.nodes.push_back(g.GetProducerNode(half_x->Name())->Index());
      tail.last = m;
      return tail;
    }
  }
  return std::nullopt;
}

}  // namespace opt
}  // namespace ortlite
