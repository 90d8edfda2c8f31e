// SequenceMap (opset 17): runs `body` once per position of the input sequence(s) and collects
// each body output into an output sequence. Additional inputs that are sequences are iterated in
// step with the first (equal lengths required); tensors are passed whole to every iteration.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

using namespace controlflow;

class SequenceMap final : public OpKernel {
 public:
  explicit SequenceMap(const OpKernelInfo& info) : OpKernel(info) {
    const Graph* body = info.node().GetSubgraph("body");
    ORTLITE_CHECK_ARG(body != nullptr, "SequenceMap needs the graph attribute 'body'");
    ORTLITE_CHECK_ARG(body->GetInputs().size() == info.InputCount(), "SequenceMap body takes ",
                      body->GetInputs().size(), " inputs; the node has ", info.InputCount());
    ORTLITE_CHECK_ARG(body->GetOutputs().size() == info.OutputCount(), "SequenceMap body yields ",
                      body->GetOutputs().size(), " outputs; the node has ", info.OutputCount());
    for (size_t k = 0; k < info.OutputCount(); ++k) {
      DataType type = SequenceElemType(info.OutputDef(k)->TypeAsProto());
      if (type == DataType::kUndefined) type = TensorElemType(body->GetOutputs()[k]->TypeAsProto());
      output_elem_types_.push_back(type);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const int num_inputs = ctx.InputCount();
    std::vector<const OrtValue*> inputs(num_inputs);
    int64_t length = -1;
    for (int i = 0; i < num_inputs; ++i) {
      inputs[i] = ctx.InputValue(i);
      ORTLITE_CHECK_ARG(inputs[i] && inputs[i]->IsAllocated(), "SequenceMap input ", i, " is missing");
      if (i == 0) ORTLITE_CHECK_ARG(inputs[0]->IsSequence(), "SequenceMap input 0 must be a sequence");
      if (!inputs[i]->IsSequence()) continue;
      const int64_t n = static_cast<int64_t>(inputs[i]->GetSequence().values.size());
      ORTLITE_CHECK_ARG(length < 0 || n == length, "SequenceMap input sequences differ in length: ", length,
                        " and ", n, " (input ", i, ")");
      length = n;
    }

    std::vector<TensorSeq> results(ctx.OutputCount());
    for (size_t k = 0; k < results.size(); ++k) results[k].elem_type = output_elem_types_[k];
    std::vector<OrtValue> body_inputs(num_inputs);
    for (int i = 0; i < num_inputs; ++i) {
      if (!inputs[i]->IsSequence()) body_inputs[i] = *inputs[i];
    }
    for (int64_t pos = 0; pos < length; ++pos) {
      if (ctx.IsTerminated()) ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
      for (int i = 0; i < num_inputs; ++i) {
        if (inputs[i]->IsSequence()) body_inputs[i] = inputs[i]->GetSequence().values[pos];
      }
      std::vector<OrtValue> out = ctx.RunSubgraph("body", body_inputs);
      for (size_t k = 0; k < results.size(); ++k) {
        ORTLITE_CHECK_ARG(out[k].IsTensor(), "SequenceMap body output ", k, " is not a tensor");
        Tensor t = Detached(out[k].Get());
        if (results[k].elem_type == DataType::kUndefined) results[k].elem_type = t.GetElementType();
        ORTLITE_CHECK_ARG(t.GetElementType() == results[k].elem_type, "SequenceMap body output ", k, " is ",
                          DataTypeName(t.GetElementType()), ", expected ", DataTypeName(results[k].elem_type));
        results[k].values.emplace_back(std::move(t));
      }
    }
    for (size_t k = 0; k < results.size(); ++k) ctx.SetOutput(static_cast<int>(k), OrtValue(std::move(results[k])));
  }

 private:
  std::vector<DataType> output_elem_types_;
};

}  // namespace

ONNX_CPU_KERNEL(SequenceMap, 17, SequenceMap, KernelDefBuilder())

}  // namespace ortlite
