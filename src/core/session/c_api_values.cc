// The C API's type-information, value, memory, allocator and I/O-binding entry points.
#include "core/session/c_api_internal.h"

namespace ortlite_c_api {

void FillValueApi(OrtApi& a) {
  a.GetOnnxTypeFromTypeInfo = [](const OrtTypeInfo* t, ONNXType* out) { return Guard([&] { *out = t->type; }); };
  a.CastTypeInfoToTensorInfo = [](const OrtTypeInfo* t, const OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = t->tensor.get(); });
  };
  a.CastTypeInfoToSequenceTypeInfo = [](const OrtTypeInfo* t, const OrtSequenceTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_SEQUENCE ? reinterpret_cast<const OrtSequenceTypeInfo*>(t) : nullptr; });
  };
  a.CastTypeInfoToMapTypeInfo = [](const OrtTypeInfo* t, const OrtMapTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_MAP ? reinterpret_cast<const OrtMapTypeInfo*>(t) : nullptr; });
  };
  a.CastTypeInfoToOptionalTypeInfo = [](const OrtTypeInfo* t, const OrtOptionalTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_OPTIONAL ? reinterpret_cast<const OrtOptionalTypeInfo*>(t) : nullptr; });
  };
  auto clone_type = [](const OrtTypeInfo* t) {
    auto c = std::make_unique<OrtTypeInfo>();
    std::function<void(const OrtTypeInfo&, OrtTypeInfo&)> copy = [&](const OrtTypeInfo& s, OrtTypeInfo& d) {
      d.type = s.type;
      d.denotation = s.denotation;
      d.map_key = s.map_key;
      if (s.tensor) d.tensor = std::make_unique<OrtTensorTypeAndShapeInfo>(*s.tensor);
      if (s.element) {
        d.element = std::make_unique<OrtTypeInfo>();
        copy(*s.element, *d.element);
      }
    };
    if (t) copy(*t, *c);
    return c.release();
  };
  static std::function<OrtTypeInfo*(const OrtTypeInfo*)> clone_fn = clone_type;
  a.GetSequenceElementType = [](const OrtSequenceTypeInfo* s, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(s)->element.get()); });
  };
  a.GetMapKeyType = [](const OrtMapTypeInfo* m, ONNXTensorElementDataType* out) {
    return Guard([&] { *out = reinterpret_cast<const OrtTypeInfo*>(m)->map_key; });
  };
  a.GetMapValueType = [](const OrtMapTypeInfo* m, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(m)->element.get()); });
  };
  a.GetOptionalContainedTypeInfo = [](const OrtOptionalTypeInfo* o, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(o)->element.get()); });
  };
  a.GetDenotationFromTypeInfo = [](const OrtTypeInfo* t, const char** const d, size_t* len) {
    return Guard([&] {
      *const_cast<const char**>(d) = t->denotation.c_str();
      *len = t->denotation.size();
    });
  };
  a.ReleaseTypeInfo = [](OrtTypeInfo* t) { delete t; };

  a.CreateTensorTypeAndShapeInfo = [](OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = new OrtTensorTypeAndShapeInfo; });
  };
  a.SetTensorElementType = [](OrtTensorTypeAndShapeInfo* i, ONNXTensorElementDataType t) { return Guard([&] { i->type = t; }); };
  a.SetDimensions = [](OrtTensorTypeAndShapeInfo* i, const int64_t* d, size_t n) {
    return Guard([&] {
      i->dims.assign(d, d + n);
      i->symbolic_dims.assign(n, "");
    });
  };
  a.GetTensorElementType = [](const OrtTensorTypeAndShapeInfo* i, ONNXTensorElementDataType* out) {
    return Guard([&] { *out = i->type; });
  };
  a.GetDimensionsCount = [](const OrtTensorTypeAndShapeInfo* i, size_t* out) { return Guard([&] { *out = i->dims.size(); }); };
  a.GetDimensions = [](const OrtTensorTypeAndShapeInfo* i, int64_t* d, size_t n) {
    return Guard([&] { std::copy(i->dims.begin(), i->dims.begin() + std::min(n, i->dims.size()), d); });
  };
  a.GetSymbolicDimensions = [](const OrtTensorTypeAndShapeInfo* i, const char* d[], size_t n) {
    return Guard([&] {
      for (size_t k = 0; k < n && k < i->symbolic_dims.size(); ++k) d[k] = i->symbolic_dims[k].c_str();
    });
  };
  a.GetTensorShapeElementCount = [](const OrtTensorTypeAndShapeInfo* i, size_t* out) {
    return Guard([&] {
      int64_t n = 1;
      for (int64_t d : i->dims) n *= d < 0 ? 0 : d;  // ORT reports 0 for unknown dims... product over known
      *out = static_cast<size_t>(n);
    });
  };
  a.ReleaseTensorTypeAndShapeInfo = [](OrtTensorTypeAndShapeInfo* i) { delete i; };

  a.CreateTensorAsOrtValue = [](OrtAllocator* al, const int64_t* shape, size_t n, ONNXTensorElementDataType type,
                                OrtValue** out) {
    return Guard([&] {
      Check(ortlite::IsValidDataType(type), "invalid element type");
      for (size_t i = 0; i < n; ++i) Check(shape[i] >= 0, "tensor dimensions must not be negative");
      Tensor t(static_cast<DataType>(type), TensorShape(shape, n), ortlite::GetCpuAllocator());
      (void)al;
      *out = Wrap(ortlite::OrtValue(std::move(t)));
    });
  };
  a.CreateTensorWithDataAsOrtValue = [](const OrtMemoryInfo* info, void* data, size_t bytes, const int64_t* shape,
                                        size_t n, ONNXTensorElementDataType type, OrtValue** out) {
    return Guard([&] {
      Check(ortlite::IsValidDataType(type), "invalid element type");
      Check(type != ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, "string tensors cannot wrap caller memory");
      TensorShape s(shape, n);
      for (size_t i = 0; i < n; ++i) Check(shape[i] >= 0, "tensor dimensions must not be negative");
      const size_t need = static_cast<size_t>(s.Size()) * ortlite::DataTypeSize(static_cast<DataType>(type));
      if (need > bytes) {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "not enough data for the shape: need ", need, " bytes, got ", bytes);
      }
      Tensor t(static_cast<DataType>(type), s, data, info ? ToMemoryInfo(*info) : ortlite::MemoryInfo{});
      auto* v = new OrtValue{ortlite::OrtValue(std::move(t)), info ? *info : OrtMemoryInfo{}};
      *out = v;
    });
  };
  a.IsTensor = [](const OrtValue* v, int* out) { return Guard([&] { *out = v->value.IsTensor(); }); };
  a.HasValue = [](const OrtValue* v, int* out) { return Guard([&] { *out = v->value.IsAllocated(); }); };
  a.GetValueType = [](const OrtValue* v, ONNXType* out) {
    return Guard([&] {
      switch (v->value.GetKind()) {
        case ortlite::OrtValue::Kind::kTensor: *out = ONNX_TYPE_TENSOR; break;
        case ortlite::OrtValue::Kind::kSequence: *out = ONNX_TYPE_SEQUENCE; break;
        case ortlite::OrtValue::Kind::kMap: *out = ONNX_TYPE_MAP; break;
        default: *out = ONNX_TYPE_OPTIONAL; break;
      }
    });
  };
  a.GetTensorMutableData = [](OrtValue* v, void** out) {
    return Guard([&] { *out = const_cast<void*>(TensorOf(v).DataRaw()); });
  };
  a.GetTensorTypeAndShape = [](const OrtValue* v, OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = TensorInfoFrom(TensorOf(v)).release(); });
  };
  a.GetTypeInfo = [](const OrtValue* v, OrtTypeInfo** out) {
    return Guard([&] {
      auto info = std::make_unique<OrtTypeInfo>();
      if (v->value.IsTensor()) {
        info->type = ONNX_TYPE_TENSOR;
        info->tensor = TensorInfoFrom(v->value.Get());
      } else if (v->value.IsSequence()) {
        info->type = ONNX_TYPE_SEQUENCE;
        info->element = std::make_unique<OrtTypeInfo>();
        info->element->type = ONNX_TYPE_TENSOR;
        info->element->tensor = std::make_unique<OrtTensorTypeAndShapeInfo>();
        info->element->tensor->type = static_cast<ONNXTensorElementDataType>(v->value.GetSequence().elem_type);
      } else if (v->value.IsMap()) {
        info->type = ONNX_TYPE_MAP;
        info->map_key = static_cast<ONNXTensorElementDataType>(v->value.GetMap().keys.GetElementType());
      } else {
        info->type = ONNX_TYPE_OPTIONAL;
      }
      *out = info.release();
    });
  };
  a.GetTensorMemoryInfo = [](const OrtValue* v, const OrtMemoryInfo** out) {
    return Guard([&] {
      TensorOf(v);
      *out = &v->memory_info;
    });
  };
  a.FillStringTensor = [](OrtValue* v, const char* const* s, size_t n) {
    return Guard([&] {
      Tensor& t = v->value.GetMutable();
      Check(static_cast<size_t>(t.NumElements()) == n, "string count does not match the tensor's size");
      auto* d = t.MutableData<std::string>();
      for (size_t i = 0; i < n; ++i) d[i] = s[i];
    });
  };
  a.FillStringTensorElement = [](OrtValue* v, const char* s, size_t index) {
    return Guard([&] {
      Tensor& t = v->value.GetMutable();
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      t.MutableData<std::string>()[index] = s;
    });
  };
  a.GetStringTensorDataLength = [](const OrtValue* v, size_t* len) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      size_t n = 0;
      for (int64_t i = 0; i < t.NumElements(); ++i) n += t.Data<std::string>()[i].size();
      *len = n;
    });
  };
  a.GetStringTensorContent = [](const OrtValue* v, void* s, size_t s_len, size_t* offsets, size_t offsets_len) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(offsets_len >= static_cast<size_t>(t.NumElements()), "offsets buffer is too small");
      size_t pos = 0;
      for (int64_t i = 0; i < t.NumElements(); ++i) {
        const std::string& e = t.Data<std::string>()[i];
        Check(pos + e.size() <= s_len, "string buffer is too small");
        offsets[i] = pos;
        std::memcpy(static_cast<char*>(s) + pos, e.data(), e.size());
        pos += e.size();
      }
    });
  };
  a.GetStringTensorElementLength = [](const OrtValue* v, size_t index, size_t* out) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      *out = t.Data<std::string>()[index].size();
    });
  };
  a.GetStringTensorElement = [](const OrtValue* v, size_t s_len, size_t index, void* s) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      const std::string& e = t.Data<std::string>()[index];
      Check(s_len >= e.size(), "string buffer is too small");
      std::memcpy(s, e.data(), e.size());
    });
  };
  a.GetValueCount = [](const OrtValue* v, size_t* out) {
    return Guard([&] {
      if (v->value.IsSequence()) *out = v->value.GetSequence().values.size();
      else if (v->value.IsMap()) *out = 2;
      else ortlite::ThrowError(ErrorCode::kInvalidArgument, "GetValueCount needs a sequence or a map");
    });
  };
  a.GetValue = [](const OrtValue* v, int index, OrtAllocator*, OrtValue** out) {
    return Guard([&] {
      if (v->value.IsSequence()) {
        const auto& vals = v->value.GetSequence().values;
        Check(index >= 0 && static_cast<size_t>(index) < vals.size(), "sequence index out of range");
        *out = Wrap(vals[index]);
      } else if (v->value.IsMap()) {
        Check(index == 0 || index == 1, "map index must be 0 (keys) or 1 (values)");
        *out = Wrap(ortlite::OrtValue(index == 0 ? v->value.GetMap().keys : v->value.GetMap().values));
      } else {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "GetValue needs a sequence or a map");
      }
    });
  };
  a.CreateValue = [](const OrtValue* const* in, size_t n, ONNXType type, OrtValue** out) {
    return Guard([&] {
      if (type == ONNX_TYPE_SEQUENCE) {
        ortlite::TensorSeq seq;
        for (size_t i = 0; i < n; ++i) seq.values.push_back(in[i]->value);
        if (n && seq.values[0].IsTensor()) seq.elem_type = seq.values[0].Get().GetElementType();
        *out = Wrap(ortlite::OrtValue(std::move(seq)));
      } else if (type == ONNX_TYPE_MAP) {
        Check(n == 2, "a map is made of two tensors: keys and values");
        ortlite::MapValue m{TensorOf(in[0]), TensorOf(in[1])};
        Check(m.keys.NumElements() == m.values.NumElements(), "map keys and values differ in length");
        *out = Wrap(ortlite::OrtValue(std::move(m)));
      } else {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "CreateValue makes sequences and maps");
      }
    });
  };
  a.ReleaseValue = [](OrtValue* v) { delete v; };

  a.CreateCpuMemoryInfo = [](OrtAllocatorType type, OrtMemType mem, OrtMemoryInfo** out) {
    return Guard([&] { *out = new OrtMemoryInfo{"Cpu", 0, type, mem}; });
  };
  a.CreateMemoryInfo = [](const char* name, OrtAllocatorType type, int id, OrtMemType mem, OrtMemoryInfo** out) {
    return Guard([&] { *out = new OrtMemoryInfo{name ? name : "Cpu", id, type, mem}; });
  };
  a.CompareMemoryInfo = [](const OrtMemoryInfo* x, const OrtMemoryInfo* y, int* out) {
    return Guard([&] { *out = (x->name == y->name && x->id == y->id && x->mem_type == y->mem_type) ? 0 : -1; });
  };
  a.MemoryInfoGetName = [](const OrtMemoryInfo* m, const char** out) { return Guard([&] { *out = m->name.c_str(); }); };
  a.MemoryInfoGetId = [](const OrtMemoryInfo* m, int* out) { return Guard([&] { *out = m->id; }); };
  a.MemoryInfoGetMemType = [](const OrtMemoryInfo* m, OrtMemType* out) { return Guard([&] { *out = m->mem_type; }); };
  a.MemoryInfoGetType = [](const OrtMemoryInfo* m, OrtAllocatorType* out) { return Guard([&] { *out = m->alloc_type; }); };
  a.ReleaseMemoryInfo = [](OrtMemoryInfo* m) { delete m; };
  a.GetAllocatorWithDefaultOptions = [](OrtAllocator** out) { return Guard([&] { *out = &TheDefaultAllocator(); }); };
  a.AllocatorAlloc = [](OrtAllocator* al, size_t size, void** out) { return Guard([&] { *out = al->Alloc(al, size); }); };
  a.AllocatorFree = [](OrtAllocator* al, void* p) { return Guard([&] { al->Free(al, p); }); };
  a.AllocatorGetInfo = [](const OrtAllocator* al, const OrtMemoryInfo** out) { return Guard([&] { *out = al->Info(al); }); };

  a.CreateRunOptions = [](OrtRunOptions** out) { return Guard([&] { *out = new OrtRunOptions; }); };
  a.RunOptionsSetRunLogVerbosityLevel = [](OrtRunOptions* o, int v) { return Guard([&] { o->log_verbosity_level = v; }); };
  a.RunOptionsSetRunLogSeverityLevel = [](OrtRunOptions* o, int v) { return Guard([&] { o->options.log_severity_level = v; }); };
  a.RunOptionsSetRunTag = [](OrtRunOptions* o, const char* tag) { return Guard([&] { o->options.run_tag = tag ? tag : ""; }); };
  a.RunOptionsGetRunLogVerbosityLevel = [](const OrtRunOptions* o, int* v) { return Guard([&] { *v = o->log_verbosity_level; }); };
  a.RunOptionsGetRunLogSeverityLevel = [](const OrtRunOptions* o, int* v) { return Guard([&] { *v = o->options.log_severity_level; }); };
  a.RunOptionsGetRunTag = [](const OrtRunOptions* o, const char** tag) { return Guard([&] { *tag = o->options.run_tag.c_str(); }); };
  a.RunOptionsSetTerminate = [](OrtRunOptions* o) { return Guard([&] { o->options.terminate = true; }); };
  a.RunOptionsUnsetTerminate = [](OrtRunOptions* o) { return Guard([&] { o->options.terminate = false; }); };
  a.AddRunConfigEntry = [](OrtRunOptions* o, const char* k, const char* v) { return Guard([&] { o->config[k] = v; }); };
  a.ReleaseRunOptions = [](OrtRunOptions* o) { delete o; };

  a.CreateIoBinding = [](OrtSession* s, OrtIoBinding** out) {
    return Guard([&] {
      auto* b = new OrtIoBinding;
      b->session = s;
      *out = b;
    });
  };
  a.BindInput = [](OrtIoBinding* b, const char* name, const OrtValue* v) {
    return Guard([&] {
      for (size_t i = 0; i < b->input_names.size(); ++i) {
        if (b->input_names[i] == name) {
          b->inputs[i] = v->value;
          return;
        }
      }
      b->input_names.push_back(name);
      b->inputs.push_back(v->value);
    });
  };
  auto bind_output = [](OrtIoBinding* b, const char* name, const OrtValue* v) {
    size_t i = 0;
    while (i < b->output_names.size() && b->output_names[i] != name) ++i;
    if (i == b->output_names.size()) {
      b->output_names.push_back(name);
      b->outputs.emplace_back();
      b->preallocated.push_back(false);
    }
    b->outputs[i].reset(v ? new OrtValue(*v) : nullptr);
    b->preallocated[i] = v != nullptr;
  };
  static std::function<void(OrtIoBinding*, const char*, const OrtValue*)> bind_output_fn = bind_output;
  a.BindOutput = [](OrtIoBinding* b, const char* name, const OrtValue* v) { return Guard([&] { bind_output_fn(b, name, v); }); };
  a.BindOutputToDevice = [](OrtIoBinding* b, const char* name, const OrtMemoryInfo* m) {
    return Guard([&] {
      Check(m && ToMemoryInfo(*m).device.type == ortlite::OrtDevice::kCpu, "outputs can be bound to CPU memory only");
      bind_output_fn(b, name, nullptr);
    });
  };
  a.GetBoundOutputNames = [](const OrtIoBinding* b, OrtAllocator* al, char** buffer, size_t** lengths, size_t* count) {
    return Guard([&] {
      *count = b->output_names.size();
      *buffer = nullptr;
      *lengths = nullptr;
      if (b->output_names.empty()) return;
      size_t total = 0;
      for (const auto& n : b->output_names) total += n.size();
      *buffer = static_cast<char*>(al->Alloc(al, total));
      *lengths = static_cast<size_t*>(al->Alloc(al, sizeof(size_t) * b->output_names.size()));
      size_t pos = 0;
      for (size_t i = 0; i < b->output_names.size(); ++i) {
        std::memcpy(*buffer + pos, b->output_names[i].data(), b->output_names[i].size());
        (*lengths)[i] = b->output_names[i].size();
        pos += b->output_names[i].size();
      }
    });
  };
  a.GetBoundOutputValues = [](const OrtIoBinding* b, OrtAllocator* al, OrtValue*** out, size_t* count) {
    return Guard([&] {
      *count = b->outputs.size();
      *out = nullptr;
      if (b->outputs.empty()) return;
      *out = static_cast<OrtValue**>(al->Alloc(al, sizeof(OrtValue*) * b->outputs.size()));
      for (size_t i = 0; i < b->outputs.size(); ++i) {
        if (!b->outputs[i]) ortlite::ThrowError(ErrorCode::kFail, "output '", b->output_names[i], "' has not been computed");
        (*out)[i] = new OrtValue(*b->outputs[i]);
      }
    });
  };
  a.ClearBoundInputs = [](OrtIoBinding* b) {
    b->input_names.clear();
    b->inputs.clear();
  };
  a.ClearBoundOutputs = [](OrtIoBinding* b) {
    b->output_names.clear();
    b->outputs.clear();
    b->preallocated.clear();
  };
  a.SynchronizeBoundInputs = [](OrtIoBinding*) -> OrtStatus* { return nullptr; };
  a.SynchronizeBoundOutputs = [](OrtIoBinding*) -> OrtStatus* { return nullptr; };
  a.ReleaseIoBinding = [](OrtIoBinding* b) { delete b; };
}

}  // namespace ortlite_c_api
