// Copying a strided view of one buffer into another: the common engine of Transpose, Slice,
// Expand, Tile, DepthToSpace, SpaceToDepth and Pad. Each of them only describes the source as a
// shape plus per-dimension strides (0 repeats an element, negative walks backwards).
#pragma once
#include <cstdint>
#include <vector>

#include "core/framework/data_types.h"
#include "core/framework/thread_pool.h"

namespace ortlite {

// For every multi-index i over `shape`:
//   dst[sum_k i_k * dst_strides[k]] = src[sum_k i_k * src_strides[k]]
// with strides in elements, relative to the given base pointers. Destinations must not overlap
// (no dst stride of 0 on a dimension larger than 1).
void StridedCopy(DataType type, void* dst, const std::vector<int64_t>& dst_strides, const void* src,
                 const std::vector<int64_t>& src_strides, const std::vector<int64_t>& shape, ThreadPool* pool);

// StridedCopy into a dense row-major destination of `shape`.
void StridedCopyToDense(DataType type, void* dst, const void* src, const std::vector<int64_t>& src_strides,
                        const std::vector<int64_t>& shape, ThreadPool* pool);

// Writes the transpose of a dense row-major buffer of `in_dims`: output dimension k is input
// dimension perm[k]. `perm` must be a permutation of [0, rank).
void PermutedCopy(DataType type, void* dst, const void* src, const std::vector<int64_t>& in_dims,
                  const std::vector<size_t>& perm, ThreadPool* pool);

}  // namespace ortlite
