// The basic tensor-sequence operators (opset 11): SequenceEmpty, SequenceConstruct, SequenceAt,
// SequenceInsert, SequenceErase and SequenceLength.
//
// Sequences are immutable once built: an operator that "changes" one builds a new TensorSeq that
// shares the untouched elements. Elements never alias arena memory, constants or caller buffers
// (see controlflow::Detached), so they can be shared freely.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

using controlflow::Detached;
using controlflow::ReadScalarInt;

const TensorSeq& RequiredSequence(const OpKernelContext& ctx, int i) {
  const OrtValue* v = ctx.InputValue(i);
  ORTLITE_CHECK_ARG(v && v->IsSequence(), "input ", i, " must be a sequence");
  return v->GetSequence();
}

void CheckElementType(const TensorSeq& seq, const Tensor& t) {
  ORTLITE_CHECK_ARG(seq.elem_type == DataType::kUndefined || seq.elem_type == t.GetElementType(),
                    "a sequence of ", DataTypeName(seq.elem_type), " cannot hold a tensor of ",
                    DataTypeName(t.GetElementType()));
}

// Maps a possibly negative position into [0, size + extra); `extra` is 1 where one past the end is
// allowed (insertion).
int64_t NormalizePosition(int64_t pos, int64_t size, int64_t extra, const char* op) {
  ORTLITE_CHECK_ARG(pos >= -size && pos < size + extra, op, " position ", pos, " is out of range for a sequence of ",
                    size, " tensors");
  return pos < 0 ? pos + size : pos;
}

class SequenceEmpty final : public OpKernel {
 public:
  explicit SequenceEmpty(const OpKernelInfo& info)
      : OpKernel(info),
        elem_type_(static_cast<DataType>(info.GetAttrOrDefault<int64_t>("dtype", int64_t(DataType::kFloat)))) {
    ORTLITE_CHECK_ARG(IsValidDataType(static_cast<int32_t>(elem_type_)) && elem_type_ != DataType::kUndefined,
                      "SequenceEmpty dtype ", int64_t(elem_type_), " is not a tensor element type");
  }

  void Compute(OpKernelContext& ctx) const override {
    TensorSeq seq;
    seq.elem_type = elem_type_;
    ctx.SetOutput(0, OrtValue(std::move(seq)));
  }

 private:
  DataType elem_type_;
};

class SequenceConstruct final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    ORTLITE_CHECK_ARG(ctx.InputCount() >= 1, "SequenceConstruct needs at least one tensor");
    TensorSeq seq;
    seq.elem_type = ctx.RequiredInput(0).GetElementType();
    for (int i = 0; i < ctx.InputCount(); ++i) {
      const Tensor& t = ctx.RequiredInput(i);
      CheckElementType(seq, t);
      seq.values.emplace_back(Detached(t));
    }
    ctx.SetOutput(0, OrtValue(std::move(seq)));
  }
};

class SequenceAt final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const TensorSeq& seq = RequiredSequence(ctx, 0);
    const int64_t size = static_cast<int64_t>(seq.values.size());
    const int64_t pos = NormalizePosition(ReadScalarInt(ctx.RequiredInput(1), "SequenceAt position"), size, 0,
                                          "SequenceAt");
    ctx.SetOutput(0, seq.values[pos]);
  }
};

class SequenceInsert final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const TensorSeq& in = RequiredSequence(ctx, 0);
    const Tensor& t = ctx.RequiredInput(1);
    CheckElementType(in, t);
    const int64_t size = static_cast<int64_t>(in.values.size());
    const Tensor* position = ctx.Input(2);
    const int64_t pos = position ? NormalizePosition(ReadScalarInt(*position, "SequenceInsert position"), size, 1,
                                                     "SequenceInsert")
                                 : size;
    TensorSeq out;
    out.elem_type = t.GetElementType();
    out.values.reserve(in.values.size() + 1);
    out.values.insert(out.values.end(), in.values.begin(), in.values.begin() + pos);
    out.values.emplace_back(Detached(t));
    out.values.insert(out.values.end(), in.values.begin() + pos, in.values.end());
    ctx.SetOutput(0, OrtValue(std::move(out)));
  }
};

class SequenceErase final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const TensorSeq& in = RequiredSequence(ctx, 0);
    const int64_t size = static_cast<int64_t>(in.values.size());
    ORTLITE_CHECK_ARG(size > 0, "SequenceErase on an empty sequence");
    const Tensor* position = ctx.Input(1);
    const int64_t pos =
        NormalizePosition(position ? ReadScalarInt(*position, "SequenceErase position") : -1, size, 0, "SequenceErase");
    TensorSeq out;
    out.elem_type = in.elem_type;
    out.values.reserve(in.values.size() - 1);
    out.values.insert(out.values.end(), in.values.begin(), in.values.begin() + pos);
    out.values.insert(out.values.end(), in.values.begin() + pos + 1, in.values.end());
    ctx.SetOutput(0, OrtValue(std::move(out)));
  }
};

class SequenceLength final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const TensorSeq& seq = RequiredSequence(ctx, 0);
    *ctx.Output(0, TensorShape(), DataType::kInt64)->MutableData<int64_t>() = static_cast<int64_t>(seq.values.size());
  }
};

}  // namespace

ONNX_CPU_KERNEL(SequenceEmpty, 11, SequenceEmpty, KernelDefBuilder())
ONNX_CPU_KERNEL(SequenceConstruct, 11, SequenceConstruct, KernelDefBuilder())
ONNX_CPU_KERNEL(SequenceAt, 11, SequenceAt, KernelDefBuilder())
ONNX_CPU_KERNEL(SequenceInsert, 11, SequenceInsert, KernelDefBuilder())
ONNX_CPU_KERNEL(SequenceErase, 11, SequenceErase, KernelDefBuilder())
ONNX_CPU_KERNEL(SequenceLength, 11, SequenceLength, KernelDefBuilder())

}  // namespace ortlite
