// Loop: runs `body` while the trip count and the condition allow, threading N loop-carried values
// (tensors, sequences or optionals, whose shapes may change between iterations) through it and
// stacking K per-iteration scan outputs along a new first axis.
//
// Body signature: (iteration_num, cond, carried_1..N) -> (cond, carried_1..N, scan_1..K).
#include <cstdint>
#include <limits>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

using namespace controlflow;

class Loop final : public OpKernel {
 public:
  explicit Loop(const OpKernelInfo& info) : OpKernel(info) {
    const Graph* body = info.node().GetSubgraph("body");
    ORTLITE_CHECK_ARG(body != nullptr, "Loop needs the graph attribute 'body'");
    num_carried_ = static_cast<int>(info.InputCount()) - 2;
    ORTLITE_CHECK_ARG(num_carried_ >= 0, "Loop needs the inputs M and cond (either may be empty)");
    const int body_inputs = static_cast<int>(body->GetInputs().size());
    const int body_outputs = static_cast<int>(body->GetOutputs().size());
    ORTLITE_CHECK_ARG(body_inputs == num_carried_ + 2, "Loop body takes ", body_inputs,
                      " inputs; expected 2 + ", num_carried_, " loop-carried values");
    num_scan_ = body_outputs - 1 - num_carried_;
    ORTLITE_CHECK_ARG(num_scan_ >= 0, "Loop body yields ", body_outputs, " outputs; expected at least 1 + ",
                      num_carried_, " (condition and loop-carried values)");
    ORTLITE_CHECK_ARG(static_cast<int>(info.OutputCount()) <= num_carried_ + num_scan_, "Loop has ",
                      info.OutputCount(), " outputs but its body yields only ", num_carried_, " loop-carried and ",
                      num_scan_, " scan outputs");
    for (int k = 0; k < num_scan_; ++k) {
      const NodeArg* body_out = body->GetOutputs()[1 + num_carried_ + k];
      const NodeArg* node_out = info.OutputDef(num_carried_ + k);
      DataType type = node_out ? node_out->ElementType() : DataType::kUndefined;
      if (type == DataType::kUndefined) type = TensorElemType(body_out->TypeAsProto());
      scan_types_.push_back(type);
      scan_empty_dims_.push_back(DeclaredDimsOrZero(body_out->TypeAsProto()));
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor* trip_count = ctx.Input(0);
    const Tensor* cond_in = ctx.Input(1);
    const int64_t max_trips =
        trip_count ? ReadScalarInt(*trip_count, "Loop trip count M") : std::numeric_limits<int64_t>::max();
    bool keep_going = cond_in ? ReadScalarBool(*cond_in, "Loop condition") : true;

    std::vector<OrtValue> body_inputs(2 + num_carried_);
    for (int i = 0; i < num_carried_; ++i) {
      const OrtValue* v = ctx.InputValue(2 + i);
      if (v) body_inputs[2 + i] = *v;  // an omitted value is an empty optional
    }
    std::vector<std::vector<Tensor>> scan_parts(num_scan_);
    // Unread scan outputs are not kept: a long loop would otherwise hold every iteration's value.
    std::vector<bool> scan_used(num_scan_);
    for (int k = 0; k < num_scan_; ++k) scan_used[k] = ctx.OutputIsUsed(num_carried_ + k);

    // The body's condition output always decides whether to continue, as in the reference
    // runtimes; with neither M nor cond given it is the only way the loop ends.
    int64_t iteration = 0;
    for (; iteration < max_trips && keep_going; ++iteration) {
      if (ctx.IsTerminated()) ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
      body_inputs[0] = OrtValue(Tensor::FromVector<int64_t>({iteration}, TensorShape()));
      body_inputs[1] = OrtValue(Tensor::FromVector<bool>({keep_going}, TensorShape()));
      std::vector<OrtValue> out = ctx.RunSubgraph("body", body_inputs);
      ORTLITE_CHECK_ARG(out[0].IsTensor(), "Loop body's condition output is not a tensor");
      keep_going = ReadScalarBool(out[0].Get(), "Loop body's condition output");
      for (int i = 0; i < num_carried_; ++i) body_inputs[2 + i] = std::move(out[1 + i]);
      for (int k = 0; k < num_scan_; ++k) {
        OrtValue& v = out[1 + num_carried_ + k];
        ORTLITE_CHECK_ARG(v.IsTensor(), "Loop scan output ", k, " is not a tensor");
        if (scan_used[k]) scan_parts[k].push_back(v.Get());
      }
    }

    for (int i = 0; i < num_carried_ && i < ctx.OutputCount(); ++i) SetSubgraphOutput(ctx, i, std::move(body_inputs[2 + i]));
    for (int k = 0; k < num_scan_ && num_carried_ + k < ctx.OutputCount(); ++k) {
      if (scan_used[k]) EmitScanOutput(ctx, num_carried_ + k, scan_parts[k], k);
    }
  }

 private:
  void EmitScanOutput(OpKernelContext& ctx, int index, const std::vector<Tensor>& parts, int k) const {
    std::vector<int64_t> dims{static_cast<int64_t>(parts.size())};
    DataType type = scan_types_[k];
    if (parts.empty()) {
      dims.insert(dims.end(), scan_empty_dims_[k].begin(), scan_empty_dims_[k].end());
      ORTLITE_CHECK_ARG(type != DataType::kUndefined, "the element type of Loop scan output ", k,
                        " is unknown and the loop ran no iterations");
    } else {
      const auto& first = parts[0].Shape().GetDims();
      dims.insert(dims.end(), first.begin(), first.end());
      type = parts[0].GetElementType();
    }
    Tensor* out = ctx.Output(index, TensorShape(dims), type);
    for (size_t t = 0; t < parts.size(); ++t) PutSlot(*out, static_cast<int64_t>(t), parts[t], "Loop scan output");
  }

  int num_carried_ = 0;
  int num_scan_ = 0;
  std::vector<DataType> scan_types_;
  std::vector<std::vector<int64_t>> scan_empty_dims_;
};

}  // namespace

ONNX_CPU_KERNEL(Loop, 1, Loop, KernelDefBuilder())

}  // namespace ortlite
