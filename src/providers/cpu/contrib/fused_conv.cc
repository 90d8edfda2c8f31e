// com.microsoft FusedConv (version 1): Conv followed by an activation, with an optional fourth
// input Z added before the activation:
//   Y = activation(Conv(X, W, B) + Z)
// Attributes are Conv's plus `activation` (Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid) and
// `activation_params` (Clip: min, max; LeakyRelu: alpha; HardSigmoid: alpha, beta). The graph
// pass ConvActivationFusion produces it; the computation is the Conv kernel's (nn/conv.cc), which
// runs bias, Z and the activation in the GEMM's final store.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace contrib {
namespace {

class FusedConv final : public OpKernel {
 public:
  explicit FusedConv(const OpKernelInfo& info) : OpKernel(info), conv_(nn::CreateConvKernel(info)) {}
  void Compute(OpKernelContext& ctx) const override { conv_->Compute(ctx); }

 private:
  std::unique_ptr<OpKernel> conv_;
};

}  // namespace

CPU_KERNEL_EX(FusedConv, kMSDomain, 1, 1, FusedConv, KernelDefBuilder().MayInplace(3, 0))  // Y may be Z

}  // namespace contrib
}  // namespace ortlite
