// Scan: iterates `body` over slices of M scan inputs, threading N state values through it and
// stacking K per-iteration scan outputs.
//
// Scan-8 works on batches: inputs are [batch, sequence, ...], states [batch, ...], an optional
// sequence_lens gives each batch entry's length, and outputs past a length are zero.
// Scan-9+ has no batch axis; each scan input/output names its axis and direction.
#include <cstdint>
#include <string>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

using namespace controlflow;

// What both forms learn from the node: the counts, the body's declared output types and the
// attributes that list one flag per scan input or output.
struct ScanSignature {
  int num_states = 0;
  int num_scan_inputs = 0;
  int num_scan_outputs = 0;
  std::vector<DataType> output_types;                // per scan output, for empty iterations
  std::vector<std::vector<int64_t>> empty_dims;      // per scan output, for empty iterations

  ScanSignature(const OpKernelInfo& info, int leading_inputs) {
    const Graph* body = info.node().GetSubgraph("body");
    ORTLITE_CHECK_ARG(body != nullptr, "Scan needs the graph attribute 'body'");
    num_scan_inputs = static_cast<int>(info.GetAttr<int64_t>("num_scan_inputs"));
    num_states = static_cast<int>(info.InputCount()) - leading_inputs - num_scan_inputs;
    ORTLITE_CHECK_ARG(num_scan_inputs >= 1 && num_states >= 0, "Scan has ", info.InputCount(),
                      " inputs, too few for num_scan_inputs = ", num_scan_inputs);
    num_scan_outputs = static_cast<int>(info.OutputCount()) - num_states;
    ORTLITE_CHECK_ARG(num_scan_outputs >= 0, "Scan has fewer outputs (", info.OutputCount(), ") than states (",
                      num_states, ")");
    ORTLITE_CHECK_ARG(body->GetInputs().size() == static_cast<size_t>(num_states + num_scan_inputs), "Scan body takes ",
                      body->GetInputs().size(), " inputs; expected ", num_states, " states + ", num_scan_inputs,
                      " scan inputs");
    ORTLITE_CHECK_ARG(body->GetOutputs().size() == static_cast<size_t>(num_states + num_scan_outputs),
                      "Scan body yields ", body->GetOutputs().size(), " outputs; expected ", num_states,
                      " states + ", num_scan_outputs, " scan outputs");
    for (int k = 0; k < num_scan_outputs; ++k) {
      const NodeArg* body_out = body->GetOutputs()[num_states + k];
      DataType type = info.OutputDef(num_states + k)->ElementType();
      if (type == DataType::kUndefined) type = TensorElemType(body_out->TypeAsProto());
      output_types.push_back(type);
      empty_dims.push_back(DeclaredDimsOrZero(body_out->TypeAsProto()));
    }
  }
};

std::vector<int64_t> FlagsOrDefault(const OpKernelInfo& info, const char* name, int count, int64_t fallback) {
  std::vector<int64_t> v = info.GetAttrOrDefault<std::vector<int64_t>>(name, std::vector<int64_t>(count, fallback));
  ORTLITE_CHECK_ARG(static_cast<int>(v.size()) == count, "Scan attribute '", name, "' has ", v.size(),
                    " entries; expected ", count);
  return v;
}

const Tensor& TensorOf(const OrtValue& v, const char* what, int index) {
  ORTLITE_CHECK_ARG(v.IsTensor(), "Scan body's ", what, " ", index, " is not a tensor");
  return v.Get();
}

std::string ShapeString(const std::vector<int64_t>& dims) { return TensorShape(dims).ToString(); }

class Scan9 final : public OpKernel {
 public:
  explicit Scan9(const OpKernelInfo& info) : OpKernel(info), sig_(info, 0) {
    input_axes_ = FlagsOrDefault(info, "scan_input_axes", sig_.num_scan_inputs, 0);
    input_reverse_ = FlagsOrDefault(info, "scan_input_directions", sig_.num_scan_inputs, 0);
    output_axes_ = FlagsOrDefault(info, "scan_output_axes", sig_.num_scan_outputs, 0);
    output_reverse_ = FlagsOrDefault(info, "scan_output_directions", sig_.num_scan_outputs, 0);
  }

  void Compute(OpKernelContext& ctx) const override {
    const int n = sig_.num_states, m = sig_.num_scan_inputs, k_count = sig_.num_scan_outputs;
    // Scan inputs with the scanned axis first, so every iteration's slice is a view.
    std::vector<Tensor> scan_inputs;
    int64_t length = -1;
    for (int j = 0; j < m; ++j) {
      const Tensor& x = ctx.RequiredInput(n + j);
      const int64_t rank = static_cast<int64_t>(x.Shape().NumDimensions());
      ORTLITE_CHECK_ARG(rank >= 1, "Scan input ", n + j, " is a scalar; scan inputs need an axis to scan");
      const int64_t axis = HandleNegativeAxis(input_axes_[j], rank, "scan_input_axes entry");
      const int64_t len = x.Shape()[axis];
      ORTLITE_CHECK_ARG(length < 0 || len == length, "Scan inputs differ in sequence length: ", length, " and ", len,
                        " (input ", n + j, ")");
      length = len;
      scan_inputs.push_back(MoveAxisToFront(x, axis, ctx.GetThreadPool()));
    }

    std::vector<OrtValue> body_inputs(n + m);
    for (int i = 0; i < n; ++i) {
      const OrtValue* v = ctx.InputValue(i);
      ORTLITE_CHECK_ARG(v && v->IsAllocated(), "Scan initial state ", i, " is missing");
      body_inputs[i] = *v;
    }
    std::vector<Tensor> stacked(k_count);
    for (int64_t t = 0; t < length; ++t) {
      if (ctx.IsTerminated()) ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
      for (int j = 0; j < m; ++j) {
        body_inputs[n + j] = OrtValue(SliceAlongFirstAxis(scan_inputs[j], input_reverse_[j] ? length - 1 - t : t));
      }
      std::vector<OrtValue> out = ctx.RunSubgraph("body", body_inputs);
      for (int i = 0; i < n; ++i) body_inputs[i] = std::move(out[i]);
      for (int k = 0; k < k_count; ++k) {
        const Tensor& elem = TensorOf(out[n + k], "scan output", k);
        if (t == 0) {
          std::vector<int64_t> dims{length};
          dims.insert(dims.end(), elem.Shape().GetDims().begin(), elem.Shape().GetDims().end());
          stacked[k] = Tensor(elem.GetElementType(), TensorShape(dims), GetCpuAllocator());
        }
        PutSlot(stacked[k], output_reverse_[k] ? length - 1 - t : t, elem, "Scan output");
      }
    }

    for (int i = 0; i < n; ++i) SetSubgraphOutput(ctx, i, std::move(body_inputs[i]));
    for (int k = 0; k < k_count; ++k) {
      if (length <= 0) {
        ORTLITE_CHECK_ARG(sig_.output_types[k] != DataType::kUndefined, "the element type of Scan output ", n + k,
                          " is unknown and the sequence is empty");
        std::vector<int64_t> dims{0};
        dims.insert(dims.end(), sig_.empty_dims[k].begin(), sig_.empty_dims[k].end());
        stacked[k] = Tensor(sig_.output_types[k], TensorShape(dims), GetCpuAllocator());
      }
      const int64_t rank = static_cast<int64_t>(stacked[k].Shape().NumDimensions());
      EmitStacked(ctx, n + k, std::move(stacked[k]), HandleNegativeAxis(output_axes_[k], rank, "scan_output_axes entry"));
    }
  }

 private:
  ScanSignature sig_;
  std::vector<int64_t> input_axes_, input_reverse_, output_axes_, output_reverse_;
};

class Scan8 final : public OpKernel {
 public:
  explicit Scan8(const OpKernelInfo& info) : OpKernel(info), sig_(info, 1) {
    input_reverse_ = FlagsOrDefault(info, "directions", sig_.num_scan_inputs, 0);
  }

  void Compute(OpKernelContext& ctx) const override {
    const int n = sig_.num_states, m = sig_.num_scan_inputs, k_count = sig_.num_scan_outputs;
    int64_t batch = -1, max_len = -1;
    // Scan inputs viewed as [batch * max_len, ...] so a (batch, step) slice is a view.
    std::vector<Tensor> scan_inputs;
    for (int j = 0; j < m; ++j) {
      const Tensor& x = ctx.RequiredInput(1 + n + j);
      const auto& dims = x.Shape().GetDims();
      ORTLITE_CHECK_ARG(dims.size() >= 2, "Scan-8 input ", 1 + n + j, " has shape ", ShapeString(dims),
                        "; expected [batch, sequence, ...]");
      ORTLITE_CHECK_ARG(batch < 0 || (dims[0] == batch && dims[1] == max_len), "Scan-8 inputs differ in batch size or ",
                        "sequence length: ", ShapeString(dims), " vs [", batch, ",", max_len, ",...]");
      batch = dims[0];
      max_len = dims[1];
      std::vector<int64_t> flat{dims[0] * dims[1]};
      flat.insert(flat.end(), dims.begin() + 2, dims.end());
      scan_inputs.push_back(x.Reshaped(TensorShape(flat)));
    }
    std::vector<int64_t> lengths(static_cast<size_t>(batch), max_len);
    if (const Tensor* seq_lens = ctx.Input(0)) {
      ORTLITE_CHECK_ARG(seq_lens->GetElementType() == DataType::kInt64 && seq_lens->NumElements() == batch,
                        "Scan-8 sequence_lens must be int64 of shape [", batch, "], got ",
                        DataTypeName(seq_lens->GetElementType()), " ", seq_lens->Shape().ToString());
      for (int64_t b = 0; b < batch; ++b) {
        lengths[b] = seq_lens->Data<int64_t>()[b];
        ORTLITE_CHECK_ARG(lengths[b] >= 0 && lengths[b] <= max_len, "Scan-8 sequence_lens[", b, "] = ", lengths[b],
                          " is outside [0, ", max_len, "]");
      }
    }

    // Final states are [batch, ...] like the initial ones: a state keeps its shape every step.
    std::vector<const Tensor*> initial(n);
    std::vector<Tensor> final_states(n);
    for (int i = 0; i < n; ++i) {
      initial[i] = &ctx.RequiredInput(1 + i);
      ORTLITE_CHECK_ARG(initial[i]->Shape().NumDimensions() >= 1 && initial[i]->Shape()[0] == batch,
                        "Scan-8 initial state ", i, " has shape ", initial[i]->Shape().ToString(),
                        "; its first axis must be the batch (", batch, ")");
      final_states[i] = Tensor(initial[i]->GetElementType(), initial[i]->Shape(), GetCpuAllocator());
    }
    std::vector<Tensor> stacked(k_count);  // [batch * max_len, ...], allocated once a shape is known

    std::vector<OrtValue> body_inputs(n + m);
    for (int64_t b = 0; b < batch; ++b) {
      for (int i = 0; i < n; ++i) body_inputs[i] = OrtValue(SliceAlongFirstAxis(*initial[i], b));
      const int64_t len = lengths[b];
      for (int64_t t = 0; t < len; ++t) {
        if (ctx.IsTerminated()) ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
        for (int j = 0; j < m; ++j) {
          const int64_t step = input_reverse_[j] ? len - 1 - t : t;
          body_inputs[n + j] = OrtValue(SliceAlongFirstAxis(scan_inputs[j], b * max_len + step));
        }
        std::vector<OrtValue> out = ctx.RunSubgraph("body", body_inputs);
        for (int i = 0; i < n; ++i) body_inputs[i] = std::move(out[i]);
        for (int k = 0; k < k_count; ++k) {
          const Tensor& elem = TensorOf(out[n + k], "scan output", k);
          if (!stacked[k].IsValid()) {
            std::vector<int64_t> dims{batch * max_len};
            dims.insert(dims.end(), elem.Shape().GetDims().begin(), elem.Shape().GetDims().end());
            stacked[k] = ZeroTensor(elem.GetElementType(), TensorShape(dims));
          }
          PutSlot(stacked[k], b * max_len + t, elem, "Scan output");
        }
      }
      for (int i = 0; i < n; ++i) {
        PutSlot(final_states[i], b, TensorOf(body_inputs[i], "state", i), "Scan state");
      }
    }

    for (int i = 0; i < n; ++i) ctx.SetOutput(i, OrtValue(std::move(final_states[i])));
    for (int k = 0; k < k_count; ++k) {
      std::vector<int64_t> dims{batch, max_len};
      if (stacked[k].IsValid()) {
        const auto& s = stacked[k].Shape().GetDims();
        dims.insert(dims.end(), s.begin() + 1, s.end());
        ctx.SetOutput(n + k, OrtValue(stacked[k].Reshaped(TensorShape(dims))));
      } else {
        ORTLITE_CHECK_ARG(sig_.output_types[k] != DataType::kUndefined, "the element type of Scan output ", n + k,
                          " is unknown and no iteration ran");
        dims.insert(dims.end(), sig_.empty_dims[k].begin(), sig_.empty_dims[k].end());
        ctx.SetOutput(n + k, OrtValue(ZeroTensor(sig_.output_types[k], TensorShape(dims))));
      }
    }
  }

 private:
  ScanSignature sig_;
  std::vector<int64_t> input_reverse_;
};

}  // namespace

ONNX_CPU_VERSIONED_KERNEL(Scan, 8, 8, Scan8, KernelDefBuilder())
ONNX_CPU_KERNEL(Scan, 9, Scan9, KernelDefBuilder())

}  // namespace ortlite
