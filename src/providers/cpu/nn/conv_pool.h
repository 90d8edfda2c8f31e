// ConvMaxPool: a 2-D convolution whose only consumer is a MaxPool (the stems of resnet50 and
// squeezenet), computed in bands of output rows that are pooled while they are in cache.
#pragma once
#include "core/framework/thread_pool.h"
#include "providers/cpu/nn/conv_direct.h"

namespace ortlite {
namespace nn {

// y = MaxPool(conv(p)) for the pool geometry `pool_g` (its input is the convolution's output).
// Returns false, having written nothing, when the direct tiles cannot run the convolution by rows
// (flat or multi-row runs) or it has a residual; the caller then runs the two apart.
bool RunDirectConvMaxPool(const DirectConvWeights& w, const DirectConvProblem& p, const Geometry3D& pool_g, float* y,
                          ThreadPool* pool);

}  // namespace nn
}  // namespace ortlite
