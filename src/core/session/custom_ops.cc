#include "core/session/custom_ops.h"

#include <cstring>

#include "core/session/c_api_types.h"

namespace ortlite {

namespace {

class CustomOpKernel final : public OpKernel {
 public:
  CustomOpKernel(const OpKernelInfo& info, const OrtCustomOp* op) : OpKernel(info), op_(op) {
    OrtKernelInfo kinfo{&info};
    const OrtApi* api = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    if (op_->version >= 16 && op_->CreateKernelV2) {
      if (OrtStatus* st = op_->CreateKernelV2(op_, api, &kinfo, &kernel_)) {
        std::string msg = st->message;
        delete st;
        ThrowError(ErrorCode::kFail, "custom op ", op_->GetName(op_), ": ", msg);
      }
    } else {
      kernel_ = op_->CreateKernel(op_, api, &kinfo);
    }
  }
  ~CustomOpKernel() override {
    if (op_->KernelDestroy) op_->KernelDestroy(kernel_);
  }
  void Compute(OpKernelContext& ctx) const override {
    OrtKernelContext kctx{&ctx, op_, {}, {}};
    if (op_->version >= 16 && op_->KernelComputeV2) {
      if (OrtStatus* st = op_->KernelComputeV2(kernel_, &kctx)) {
        std::string msg = st->message;
        delete st;
        ThrowError(ErrorCode::kFail, msg);
      }
    } else {
      op_->KernelCompute(kernel_, &kctx);
    }
  }

 private:
  const OrtCustomOp* op_;
  void* kernel_ = nullptr;
};

template <typename F>
OrtStatus* Guard(F&& f) {
  try {
    f();
    return nullptr;
  } catch (const OrtliteError& e) {
    return new OrtStatus{static_cast<OrtErrorCode>(e.Code()), e.what()};
  } catch (const std::exception& e) {
    return new OrtStatus{ORT_RUNTIME_EXCEPTION, e.what()};
  }
}

}  // namespace

std::shared_ptr<KernelRegistry> BuildCustomOpRegistry(const std::vector<OrtCustomOpDomain*>& domains) {
  auto reg = std::make_shared<KernelRegistry>(&CpuKernelRegistry());
  for (const OrtCustomOpDomain* d : domains) {
    for (const OrtCustomOp* op : d->ops) {
      KernelDef def = KernelDefBuilder().Build(op->GetName(op), d->domain, 1, INT_MAX, kCpuExecutionProvider);
      reg->Register(def, [op](const OpKernelInfo& info) -> std::unique_ptr<OpKernel> {
        return std::make_unique<CustomOpKernel>(info, op);
      });
    }
  }
  return reg;
}

void FillCustomOpApi(OrtApi& a) {
  a.KernelInfoGetAttribute_float = [](const OrtKernelInfo* i, const char* name, float* out) {
    return Guard([&] { *out = i->info->GetAttr<float>(name); });
  };
  a.KernelInfoGetAttribute_int64 = [](const OrtKernelInfo* i, const char* name, int64_t* out) {
    return Guard([&] { *out = i->info->GetAttr<int64_t>(name); });
  };
  a.KernelInfoGetAttribute_string = [](const OrtKernelInfo* i, const char* name, char* out, size_t* size) {
    return Guard([&] {
      const std::string s = i->info->GetAttr<std::string>(name);
      if (out && *size >= s.size() + 1) std::memcpy(out, s.c_str(), s.size() + 1);
      else if (out) ThrowError(ErrorCode::kInvalidArgument, "buffer too small for attribute '", name, "'");
      *size = s.size() + 1;
    });
  };
  a.KernelInfoGetAttributeArray_float = [](const OrtKernelInfo* i, const char* name, float* out, size_t* size) {
    return Guard([&] {
      auto v = i->info->GetAttr<std::vector<float>>(name);
      if (out && *size >= v.size()) std::copy(v.begin(), v.end(), out);
      else if (out) ThrowError(ErrorCode::kInvalidArgument, "buffer too small for attribute '", name, "'");
      *size = v.size();
    });
  };
  a.KernelInfoGetAttributeArray_int64 = [](const OrtKernelInfo* i, const char* name, int64_t* out, size_t* size) {
    return Guard([&] {
      auto v = i->info->GetAttr<std::vector<int64_t>>(name);
      if (out && *size >= v.size()) std::copy(v.begin(), v.end(), out);
      else if (out) ThrowError(ErrorCode::kInvalidArgument, "buffer too small for attribute '", name, "'");
      *size = v.size();
    });
  };
  a.KernelInfo_GetInputCount = [](const OrtKernelInfo* i, size_t* out) { return Guard([&] { *out = i->info->InputCount(); }); };
  a.KernelInfo_GetOutputCount = [](const OrtKernelInfo* i, size_t* out) { return Guard([&] { *out = i->info->OutputCount(); }); };
  a.KernelInfo_GetNodeName = [](const OrtKernelInfo* i, char* out, size_t* size) {
    return Guard([&] {
      const std::string& s = i->info->node().Name();
      if (out && *size >= s.size() + 1) std::memcpy(out, s.c_str(), s.size() + 1);
      *size = s.size() + 1;
    });
  };
  a.KernelContext_GetInputCount = [](const OrtKernelContext* c, size_t* out) {
    return Guard([&] { *out = static_cast<size_t>(c->ctx->InputCount()); });
  };
  a.KernelContext_GetOutputCount = [](const OrtKernelContext* c, size_t* out) {
    return Guard([&] { *out = static_cast<size_t>(c->ctx->OutputCount()); });
  };
  a.KernelContext_GetInput = [](const OrtKernelContext* c, size_t index, const ::OrtValue** out) {
    return Guard([&] {
      auto* ctx = const_cast<OrtKernelContext*>(c);
      const ortlite::OrtValue* v = ctx->ctx->InputValue(static_cast<int>(index));
      if (!v) {
        *out = nullptr;
        return;
      }
      ctx->inputs.push_back(std::make_unique<::OrtValue>(::OrtValue{*v, {}}));
      *out = ctx->inputs.back().get();
    });
  };
  a.KernelContext_GetOutput = [](OrtKernelContext* c, size_t index, const int64_t* dims, size_t n, ::OrtValue** out) {
    return Guard([&] {
      DataType type = DataType::kUndefined;
      if (c->op->GetOutputType) type = static_cast<DataType>(c->op->GetOutputType(c->op, index));
      TensorShape shape(dims, n);
      Tensor* t = type == DataType::kUndefined ? c->ctx->Output(static_cast<int>(index), shape)
                                               : c->ctx->Output(static_cast<int>(index), shape, type);
      c->outputs.push_back(std::make_unique<::OrtValue>(::OrtValue{ortlite::OrtValue(*t), {}}));
      *out = c->outputs.back().get();
    });
  };
}

}  // namespace ortlite
