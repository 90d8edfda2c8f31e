// ONNX Runtime's "lite" custom operators: a custom op defined by a plain function (or a struct
// with a Compute method) whose parameters say what the op takes and produces.
//
//   void ScaledSum(const Ort::Custom::Tensor<float>& x, const Ort::Custom::Tensor<float>& y,
//                  Ort::Custom::Tensor<float>& z) {
//     float* out = z.Allocate(x.Shape());
//     for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = x.Data()[i] + 2 * y.Data()[i];
//   }
//   std::unique_ptr<Ort::Custom::OrtLiteCustomOp> op{
//       Ort::Custom::CreateLiteCustomOp("ScaledSum", "CPUExecutionProvider", ScaledSum)};
//   Ort::CustomOpDomain domain("my.domain");
//   domain.Add(op.get());
//   session_options.Add(domain);
//
// Parameter forms (the input/output counts and element types are read from them):
//   const Tensor<T>&      input                  Tensor<T>&      output
//   const Tensor<T>*      optional input (null)  Tensor<T>*      optional output (null)
//   const Span<T>&        input, as a flat span  T / const T&    input holding one element
//   const Tensor<std::string>& / Tensor<std::string>&     string input / output
//   OrtKernelContext*     the raw context (not an input or output)
// The function may return void or Ort::Status. The struct form is a class with a constructor
// (const OrtApi*, const OrtKernelInfo*) (or a default constructor) and a Compute method taking
// the same parameters; one instance is made per node:
//   std::unique_ptr<Ort::Custom::OrtLiteCustomOp> op{
//       Ort::Custom::CreateLiteCustomOp<MyKernel>("MyOp", "CPUExecutionProvider")};
// The returned op must outlive every session using it.
#ifndef ORTLITE_ONNXRUNTIME_LITE_CUSTOM_OP_H_
#define ORTLITE_ONNXRUNTIME_LITE_CUSTOM_OP_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "onnxruntime_cxx_api.h"

namespace Ort {
namespace Custom {

// An argument of a lite op's compute function bound to one input or output of a node.
class ArgBase {
 public:
  ArgBase(OrtKernelContext* ctx, size_t index, bool is_input) : ctx_(ctx), index_(index), is_input_(is_input) {}
  ArgBase(const ArgBase&) = default;
  ArgBase(ArgBase&&) = default;
  ArgBase& operator=(const ArgBase&) = default;
  ArgBase& operator=(ArgBase&&) = default;
  virtual ~ArgBase() = default;

 protected:
  KernelContext ctx_;
  size_t index_;
  bool is_input_;
};

// What every tensor argument knows: element type, shape (once there is one) and where it lives.
class TensorBase : public ArgBase {
 public:
  using ArgBase::ArgBase;
  // Inputs that are present and outputs that have been allocated have a shape.
  explicit operator bool() const { return shape_.has_value(); }
  const std::vector<int64_t>& Shape() const {
    if (!shape_) {
      throw Exception(std::string(is_input_ ? "input " : "output ") + std::to_string(index_) +
                          " has no shape yet (an absent optional input, or an output not yet allocated)",
                      ORT_RUNTIME_EXCEPTION);
    }
    return *shape_;
  }
  ONNXTensorElementDataType Type() const { return type_; }
  int64_t NumberOfElement() const {
    int64_t n = 1;
    for (int64_t d : Shape()) n *= d;
    return n;
  }
  std::string Shape2Str() const {
    if (!shape_) return "(no shape)";
    std::string s = "[";
    for (size_t i = 0; i < shape_->size(); ++i) s += (i ? "," : "") + std::to_string((*shape_)[i]);
    return s + "]";
  }
  bool IsCpuTensor() const { return mem_type_ == "Cpu" || mem_type_ == "CpuHost" || mem_type_ == "Cpu_Arena"; }
  virtual const void* DataRaw() const = 0;
  virtual size_t SizeInBytes() const = 0;

 protected:
  // Reads the shape and location of input `index_`; false when the input is absent.
  const OrtValue* BindInput(ONNXTensorElementDataType expected) {
    if (index_ >= ctx_.GetInputCount()) return nullptr;
    ConstValue value = ctx_.GetInput(index_);
    const OrtValue* raw = value;
    if (!raw || !value.HasValue()) return nullptr;
    if (!value.IsTensor()) {
      throw Exception("input " + std::to_string(index_) + " is not a tensor", ORT_INVALID_ARGUMENT);
    }
    TensorTypeAndShapeInfo info = value.GetTensorTypeAndShapeInfo();
    type_ = info.GetElementType();
    if (expected != ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED && type_ != expected) {
      throw Exception("input " + std::to_string(index_) + " has element type " + std::to_string(type_) +
                          ", the custom op's compute function takes element type " + std::to_string(expected),
                      ORT_INVALID_ARGUMENT);
    }
    shape_ = info.GetShape();
    mem_type_ = value.GetTensorMemoryInfo().GetAllocatorName();
    return raw;
  }

  std::optional<std::vector<int64_t>> shape_;
  ONNXTensorElementDataType type_ = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  std::string mem_type_ = "Cpu";
};

// A read-only view of contiguous elements.
template <typename T>
struct Span {
  const T* data_ = nullptr;
  size_t size_ = 0;
  Span() = default;
  Span(const T* data, size_t size) : data_(data), size_(size) {}
  void Assign(const T* data, size_t size) {
    data_ = data;
    size_ = size;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T operator[](size_t i) const { return data_[i]; }
};

// A numeric tensor argument: Data() for inputs, Allocate(shape) for outputs.
template <typename T>
class Tensor : public TensorBase {
 public:
  using TT = typename std::remove_reference<T>::type;

  Tensor(OrtKernelContext* ctx, size_t index, bool is_input) : TensorBase(ctx, index, is_input) {
    type_ = TypeToTensorType<TT>::type;
    if (is_input) {
      if (const OrtValue* v = BindInput(type_)) {
        void* p = nullptr;
        ThrowOnError(GetApi().GetTensorMutableData(const_cast<OrtValue*>(v), &p));
        data_ = static_cast<TT*>(p);
      }
    }
  }

  // The elements of an input, or of an output once allocated.
  const TT* Data() const { return data_; }
  const void* DataRaw() const override { return data_; }
  size_t SizeInBytes() const override { return shape_ ? static_cast<size_t>(NumberOfElement()) * sizeof(TT) : 0; }

  // Allocates the output with `shape` and returns its buffer (the same buffer if called again).
  TT* Allocate(const std::vector<int64_t>& shape) {
    if (is_input_) throw Exception("Allocate is for outputs; input " + std::to_string(index_) + " is read-only", ORT_FAIL);
    if (!data_) {
      UnownedValue out = ctx_.GetOutput(index_, shape);
      data_ = out.GetTensorMutableData<TT>();
      shape_ = shape;
    }
    return data_;
  }

  const Span<T>& AsSpan() {
    span_.Assign(Data(), static_cast<size_t>(NumberOfElement()));
    return span_;
  }
  const T& AsScalar() {
    if (NumberOfElement() != 1) {
      throw Exception("input " + std::to_string(index_) + " holds " + std::to_string(NumberOfElement()) +
                          " elements; a scalar argument needs exactly one",
                      ORT_INVALID_ARGUMENT);
    }
    return *Data();
  }

 private:
  TT* data_ = nullptr;
  Span<T> span_;
};

// A string tensor argument: Data() gives the strings of an input, SetStringOutput fills an output.
template <>
class Tensor<std::string> : public TensorBase {
 public:
  using strings = std::vector<std::string>;

  Tensor(OrtKernelContext* ctx, size_t index, bool is_input) : TensorBase(ctx, index, is_input) {
    type_ = ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING;
    if (!is_input) return;
    const OrtValue* v = BindInput(type_);
    if (!v) return;
    const size_t n = static_cast<size_t>(NumberOfElement());
    ConstValue value{v};
    const size_t total = value.GetStringTensorDataLength();
    std::vector<char> buffer(total + 1, '\0');
    std::vector<size_t> offsets(n + 1, 0);
    if (n) value.GetStringTensorContent(buffer.data(), total, offsets.data(), n);
    offsets[n] = total;
    for (size_t i = 0; i < n; ++i) strings_.emplace_back(buffer.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }

  const strings& Data() const { return strings_; }
  const void* DataRaw() const override { return strings_.data(); }
  size_t SizeInBytes() const override {
    size_t n = 0;
    for (const auto& s : strings_) n += s.size();
    return n;
  }
  const std::string& AsScalar() {
    if (strings_.size() != 1) {
      throw Exception("input " + std::to_string(index_) + " holds " + std::to_string(strings_.size()) +
                          " strings; a scalar argument needs exactly one",
                      ORT_INVALID_ARGUMENT);
    }
    return strings_[0];
  }
  // Creates the output with `dims` and fills it with `ss` (row-major).
  void SetStringOutput(const strings& ss, const std::vector<int64_t>& dims) {
    if (is_input_) throw Exception("SetStringOutput is for outputs", ORT_FAIL);
    UnownedValue out = ctx_.GetOutput(index_, dims);
    std::vector<const char*> ptrs;
    ptrs.reserve(ss.size());
    for (const auto& s : ss) ptrs.push_back(s.c_str());
    out.FillStringTensor(ptrs.data(), ptrs.size());
    strings_ = ss;
    shape_ = dims;
  }

 private:
  strings strings_;
};

namespace detail {

enum class ArgKind { kContext, kInput, kOutput };

template <typename T>
struct ElementTypeOf {
  static constexpr ONNXTensorElementDataType value = TypeToTensorType<T>::type;
};

// How one parameter type of a compute function binds to the node. Holder is what lives for the
// duration of the call; Get turns it into the argument.
template <typename A, typename Enable = void>
struct LiteArg {
  static_assert(sizeof(A) == 0,
                "unsupported parameter type for a lite custom op: use const Ort::Custom::Tensor<T>&, "
                "Ort::Custom::Tensor<T>&, their pointer forms, const Ort::Custom::Span<T>&, a scalar T, or "
                "OrtKernelContext*");
};

template <>
struct LiteArg<OrtKernelContext*> {
  static constexpr ArgKind kind = ArgKind::kContext;
  static constexpr ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  static constexpr bool optional = false;
  using Holder = OrtKernelContext*;
  static Holder Make(OrtKernelContext* ctx, size_t) { return ctx; }
  static OrtKernelContext* Get(Holder& h) { return h; }
};

template <typename T>
struct LiteArg<const Tensor<T>&> {
  static constexpr ArgKind kind = ArgKind::kInput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = false;
  using Holder = Tensor<T>;
  static Holder Make(OrtKernelContext* ctx, size_t i) {
    Tensor<T> t(ctx, i, true);
    if (!t) throw Exception("required input " + std::to_string(i) + " is missing", ORT_INVALID_ARGUMENT);
    return t;
  }
  static const Tensor<T>& Get(Holder& h) { return h; }
};

template <typename T>
struct LiteArg<const Tensor<T>*> {
  static constexpr ArgKind kind = ArgKind::kInput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = true;
  using Holder = std::optional<Tensor<T>>;
  static Holder Make(OrtKernelContext* ctx, size_t i) {
    Tensor<T> t(ctx, i, true);
    if (!t) return std::nullopt;
    return Holder(std::move(t));
  }
  static const Tensor<T>* Get(Holder& h) { return h ? &*h : nullptr; }
};

template <typename T>
struct LiteArg<Tensor<T>&> {
  static constexpr ArgKind kind = ArgKind::kOutput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = false;
  using Holder = Tensor<T>;
  static Holder Make(OrtKernelContext* ctx, size_t i) { return Tensor<T>(ctx, i, false); }
  static Tensor<T>& Get(Holder& h) { return h; }
};

template <typename T>
struct LiteArg<Tensor<T>*> {
  static constexpr ArgKind kind = ArgKind::kOutput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = true;
  using Holder = std::optional<Tensor<T>>;
  static Holder Make(OrtKernelContext* ctx, size_t i) {
    KernelContext kc(ctx);
    if (i >= kc.GetOutputCount()) return std::nullopt;
    return Holder(Tensor<T>(ctx, i, false));
  }
  static Tensor<T>* Get(Holder& h) { return h ? &*h : nullptr; }
};

template <typename T>
struct SpanArg {
  static constexpr ArgKind kind = ArgKind::kInput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = false;
  using Holder = Tensor<T>;
  static Holder Make(OrtKernelContext* ctx, size_t i) { return LiteArg<const Tensor<T>&>::Make(ctx, i); }
  static const Span<T>& Get(Holder& h) { return h.AsSpan(); }
};
template <typename T>
struct LiteArg<const Span<T>&> : SpanArg<T> {};
template <typename T>
struct LiteArg<Span<T>> : SpanArg<T> {};

template <typename T>
struct ScalarArg {
  static constexpr ArgKind kind = ArgKind::kInput;
  static constexpr ONNXTensorElementDataType type = ElementTypeOf<T>::value;
  static constexpr bool optional = false;
  using Holder = Tensor<T>;
  static Holder Make(OrtKernelContext* ctx, size_t i) { return LiteArg<const Tensor<T>&>::Make(ctx, i); }
  static const T& Get(Holder& h) { return h.AsScalar(); }
};
template <typename T>
struct LiteArg<T, std::enable_if_t<std::is_arithmetic_v<T>>> : ScalarArg<T> {};
template <typename T>
struct LiteArg<const T&, std::enable_if_t<std::is_arithmetic_v<T>>> : ScalarArg<T> {};
template <>
struct LiteArg<std::string> : ScalarArg<std::string> {};
template <>
struct LiteArg<const std::string&> : ScalarArg<std::string> {};

// The binding of a whole parameter list: which input/output each parameter is.
template <typename... Args>
struct LiteSignature {
  static constexpr size_t kCount = sizeof...(Args);
  // One extra entry so the arrays are never empty.
  static constexpr ArgKind kKinds[kCount + 1] = {LiteArg<Args>::kind..., ArgKind::kContext};
  static constexpr ONNXTensorElementDataType kTypes[kCount + 1] = {LiteArg<Args>::type...,
                                                                   ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED};
  static constexpr bool kOptional[kCount + 1] = {LiteArg<Args>::optional..., false};

  // Position of parameter k among the inputs (or the outputs).
  static constexpr size_t IndexOf(size_t k) {
    size_t n = 0;
    for (size_t i = 0; i < k; ++i)
      if (kKinds[i] == kKinds[k]) ++n;
    return n;
  }

  template <typename Fn, size_t... I>
  static decltype(auto) Call(Fn&& fn, OrtKernelContext* ctx, std::index_sequence<I...>) {
    std::tuple<typename LiteArg<Args>::Holder...> holders{LiteArg<Args>::Make(ctx, IndexOf(I))...};
    (void)holders;
    return fn(LiteArg<Args>::Get(std::get<I>(holders))...);
  }
  template <typename Fn>
  static decltype(auto) Call(Fn&& fn, OrtKernelContext* ctx) {
    return Call(std::forward<Fn>(fn), ctx, std::index_sequence_for<Args...>{});
  }
};

// Runs `f`, turning exceptions into a status owned by the caller.
template <typename F>
OrtStatusPtr StatusFrom(F&& f) noexcept {
  try {
    return f();
  } catch (const Exception& e) {
    return GetApi().CreateStatus(e.GetOrtErrorCode(), e.what());
  } catch (const std::exception& e) {
    return GetApi().CreateStatus(ORT_RUNTIME_EXCEPTION, e.what());
  } catch (...) {
    return GetApi().CreateStatus(ORT_RUNTIME_EXCEPTION, "unknown exception in a lite custom op");
  }
}

}  // namespace detail

// The OrtCustomOp behind every lite op; owned by the caller (std::unique_ptr<OrtLiteCustomOp>).
struct OrtLiteCustomOp : public OrtCustomOp {
  OrtLiteCustomOp(const char* op_name, const char* execution_provider)
      : op_name_(op_name ? op_name : ""), execution_provider_(execution_provider ? execution_provider : "") {
    OrtCustomOp::version = ORT_API_VERSION;
    OrtCustomOp::GetName = [](const OrtCustomOp* op) { return Self(op)->op_name_.c_str(); };
    OrtCustomOp::GetExecutionProviderType = [](const OrtCustomOp* op) -> const char* {
      const auto* self = Self(op);
      return self->execution_provider_.empty() ? nullptr : self->execution_provider_.c_str();
    };
    OrtCustomOp::GetInputTypeCount = [](const OrtCustomOp* op) { return Self(op)->input_types_.size(); };
    OrtCustomOp::GetInputType = [](const OrtCustomOp* op, size_t i) { return Self(op)->input_types_[i]; };
    OrtCustomOp::GetOutputTypeCount = [](const OrtCustomOp* op) { return Self(op)->output_types_.size(); };
    OrtCustomOp::GetOutputType = [](const OrtCustomOp* op, size_t i) { return Self(op)->output_types_[i]; };
    OrtCustomOp::GetInputCharacteristic = [](const OrtCustomOp* op, size_t i) {
      return Self(op)->input_characteristics_[i];
    };
    OrtCustomOp::GetOutputCharacteristic = [](const OrtCustomOp* op, size_t i) {
      return Self(op)->output_characteristics_[i];
    };
    OrtCustomOp::GetInputMemoryType = [](const OrtCustomOp*, size_t) { return OrtMemTypeDefault; };
    OrtCustomOp::GetVariadicInputMinArity = [](const OrtCustomOp*) { return 1; };
    OrtCustomOp::GetVariadicInputHomogeneity = [](const OrtCustomOp*) { return 1; };
    OrtCustomOp::GetVariadicOutputMinArity = [](const OrtCustomOp*) { return 1; };
    OrtCustomOp::GetVariadicOutputHomogeneity = [](const OrtCustomOp*) { return 1; };
    // Kernels are made and run through the status-returning entry points; the legacy ones
    // (used by runtimes older than API 16) throw instead.
    OrtCustomOp::CreateKernel = [](const OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info) -> void* {
      void* kernel = nullptr;
      ThrowOnError(op->CreateKernelV2(op, api, info, &kernel));
      return kernel;
    };
    OrtCustomOp::KernelCompute = [](void* kernel, OrtKernelContext* ctx) {
      ThrowOnError(Self(static_cast<KernelBase*>(kernel)->op)->ComputeV2(kernel, ctx));
    };
    OrtCustomOp::KernelDestroy = [](void* kernel) { delete static_cast<KernelBase*>(kernel); };
    OrtCustomOp::CreateKernelV2 = [](const OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info,
                                     void** kernel) -> OrtStatusPtr {
      if (!Global<void>::api_) InitApi(api);
      return detail::StatusFrom([&]() -> OrtStatusPtr {
        *kernel = Self(op)->MakeKernel(api, info);
        return nullptr;
      });
    };
    OrtCustomOp::KernelComputeV2 = [](void* kernel, OrtKernelContext* ctx) -> OrtStatusPtr {
      return Self(static_cast<KernelBase*>(kernel)->op)->ComputeV2(kernel, ctx);
    };
  }
  OrtLiteCustomOp(const OrtLiteCustomOp&) = delete;
  OrtLiteCustomOp& operator=(const OrtLiteCustomOp&) = delete;
  virtual ~OrtLiteCustomOp() = default;

  const std::string op_name_;
  const std::string execution_provider_;
  std::vector<ONNXTensorElementDataType> input_types_;
  std::vector<ONNXTensorElementDataType> output_types_;
  std::vector<OrtCustomOpInputOutputCharacteristic> input_characteristics_;
  std::vector<OrtCustomOpInputOutputCharacteristic> output_characteristics_;

 protected:
  // Every kernel a lite op makes starts with this, so the shared entry points find their op.
  struct KernelBase {
    const OrtCustomOp* op;
    explicit KernelBase(const OrtCustomOp* o) : op(o) {}
    virtual ~KernelBase() = default;
  };

  virtual KernelBase* MakeKernel(const OrtApi* api, const OrtKernelInfo* info) const = 0;
  virtual OrtStatusPtr ComputeV2(void* kernel, OrtKernelContext* ctx) const = 0;

  template <typename... Args>
  void SetSignature() {
    using Sig = detail::LiteSignature<Args...>;
    for (size_t k = 0; k < Sig::kCount; ++k) {
      const auto ch = Sig::kOptional[k] ? INPUT_OUTPUT_OPTIONAL : INPUT_OUTPUT_REQUIRED;
      if (Sig::kKinds[k] == detail::ArgKind::kInput) {
        input_types_.push_back(Sig::kTypes[k]);
        input_characteristics_.push_back(ch);
      } else if (Sig::kKinds[k] == detail::ArgKind::kOutput) {
        output_types_.push_back(Sig::kTypes[k]);
        output_characteristics_.push_back(ch);
      }
    }
  }

  // Calls `fn` (returning void or Ort::Status) and hands back a status for the runtime.
  template <typename Sig, typename Fn>
  static OrtStatusPtr Invoke(Fn&& fn, OrtKernelContext* ctx) {
    return detail::StatusFrom([&]() -> OrtStatusPtr {
      using R = decltype(Sig::Call(fn, ctx));
      if constexpr (std::is_same_v<R, void>) {
        Sig::Call(fn, ctx);
        return nullptr;
      } else {
        static_assert(std::is_same_v<std::decay_t<R>, Status>, "a lite op's compute returns void or Ort::Status");
        Status status = Sig::Call(fn, ctx);
        return status.release();
      }
    });
  }

 private:
  static const OrtLiteCustomOp* Self(const OrtCustomOp* op) { return static_cast<const OrtLiteCustomOp*>(op); }
};

// A lite op computed by a free function.
template <typename... Args>
struct OrtLiteCustomFunc : public OrtLiteCustomOp {
  using ComputeFn = void (*)(Args...);
  using ComputeFnReturnStatus = Status (*)(Args...);

  OrtLiteCustomFunc(const char* op_name, const char* execution_provider, ComputeFn fn)
      : OrtLiteCustomOp(op_name, execution_provider), compute_fn_(fn) {
    SetSignature<Args...>();
  }
  OrtLiteCustomFunc(const char* op_name, const char* execution_provider, ComputeFnReturnStatus fn)
      : OrtLiteCustomOp(op_name, execution_provider), compute_fn_return_status_(fn) {
    SetSignature<Args...>();
  }

 protected:
  KernelBase* MakeKernel(const OrtApi*, const OrtKernelInfo*) const override { return new KernelBase(this); }
  OrtStatusPtr ComputeV2(void*, OrtKernelContext* ctx) const override {
    using Sig = detail::LiteSignature<Args...>;
    if (compute_fn_) return Invoke<Sig>(compute_fn_, ctx);
    return Invoke<Sig>(compute_fn_return_status_, ctx);
  }

 private:
  ComputeFn compute_fn_ = nullptr;
  ComputeFnReturnStatus compute_fn_return_status_ = nullptr;
};

namespace detail {
template <typename MemFn>
struct ComputeMethod;
template <typename C, typename R, typename... Args>
struct ComputeMethod<R (C::*)(Args...)> {
  using Sig = LiteSignature<Args...>;
  template <typename Op>
  static void SetSignature(Op& op) {
    op.template SetSignatureFor<Args...>();
  }
};
template <typename C, typename R, typename... Args>
struct ComputeMethod<R (C::*)(Args...) const> : ComputeMethod<R (C::*)(Args...)> {};
}  // namespace detail

// A lite op computed by a struct: one CustomOp instance per node, its Compute called per run.
template <typename CustomOp>
struct OrtLiteCustomStruct : public OrtLiteCustomOp {
  OrtLiteCustomStruct(const char* op_name, const char* execution_provider)
      : OrtLiteCustomOp(op_name, execution_provider) {
    detail::ComputeMethod<decltype(&CustomOp::Compute)>::SetSignature(*this);
  }

  template <typename... Args>
  void SetSignatureFor() {
    SetSignature<Args...>();
  }

 protected:
  struct Kernel : KernelBase {
    std::unique_ptr<CustomOp> instance;
    Kernel(const OrtCustomOp* owner, std::unique_ptr<CustomOp> i) : KernelBase(owner), instance(std::move(i)) {}
  };

  KernelBase* MakeKernel(const OrtApi* api, const OrtKernelInfo* info) const override {
    if constexpr (std::is_constructible_v<CustomOp, const OrtApi*, const OrtKernelInfo*>) {
      return new Kernel(this, std::make_unique<CustomOp>(api, info));
    } else {
      static_assert(std::is_default_constructible_v<CustomOp>,
                    "a lite op struct needs a constructor (const OrtApi*, const OrtKernelInfo*) or a default one");
      return new Kernel(this, std::make_unique<CustomOp>());
    }
  }
  OrtStatusPtr ComputeV2(void* kernel, OrtKernelContext* ctx) const override {
    using Sig = typename detail::ComputeMethod<decltype(&CustomOp::Compute)>::Sig;
    CustomOp* self = static_cast<Kernel*>(static_cast<KernelBase*>(kernel))->instance.get();
    return Invoke<Sig>([self](auto&&... args) -> decltype(auto) {
      return self->Compute(std::forward<decltype(args)>(args)...);
    }, ctx);
  }
};

// Creates a lite op from a function returning void.
template <typename... Args>
OrtLiteCustomOp* CreateLiteCustomOp(const char* op_name, const char* execution_provider,
                                    void (*custom_compute_fn)(Args...)) {
  return new OrtLiteCustomFunc<Args...>(op_name, execution_provider, custom_compute_fn);
}

// Creates a lite op from a function returning Ort::Status (a non-OK status fails the run).
template <typename... Args>
OrtLiteCustomOp* CreateLiteCustomOp(const char* op_name, const char* execution_provider,
                                    Status (*custom_compute_fn)(Args...)) {
  return new OrtLiteCustomFunc<Args...>(op_name, execution_provider, custom_compute_fn);
}

// Creates a lite op from a captureless lambda (it decays to a function pointer).
template <typename Lambda, typename = decltype(+std::declval<Lambda>()),
          typename = std::enable_if_t<std::is_class_v<Lambda>>>
OrtLiteCustomOp* CreateLiteCustomOp(const char* op_name, const char* execution_provider, Lambda fn) {
  return CreateLiteCustomOp(op_name, execution_provider, +fn);
}

// Creates a lite op from a struct with a Compute method.
template <typename CustomOp>
OrtLiteCustomOp* CreateLiteCustomOp(const char* op_name, const char* execution_provider) {
  return new OrtLiteCustomStruct<CustomOp>(op_name, execution_provider);
}

}  // namespace Custom
}  // namespace Ort

#endif  // ORTLITE_ONNXRUNTIME_LITE_CUSTOM_OP_H_
