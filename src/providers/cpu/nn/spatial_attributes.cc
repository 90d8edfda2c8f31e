#include "providers/cpu/nn/spatial_attributes.h"

#include <algorithm>
#include <cstring>

#include "core/framework/data_types.h"
#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace nn {

AutoPad ParseAutoPad(const std::string& value) {
  if (value.empty() || value == "NOTSET") return AutoPad::kNotSet;
  if (value == "SAME_UPPER") return AutoPad::kSameUpper;
  if (value == "SAME_LOWER") return AutoPad::kSameLower;
  if (value == "VALID") return AutoPad::kValid;
  ThrowError(ErrorCode::kInvalidArgument, "unknown auto_pad value '", value, "'");
}

SpatialAttributes::SpatialAttributes(const OpKernelInfo& info, const std::string& prefix) {
  kernel_shape_ = info.GetAttrOrDefault<std::vector<int64_t>>(prefix + "kernel_shape", {});
  strides_ = info.GetAttrOrDefault<std::vector<int64_t>>(prefix + "strides", {});
  dilations_ = info.GetAttrOrDefault<std::vector<int64_t>>(prefix + "dilations", {});
  pads_ = info.GetAttrOrDefault<std::vector<int64_t>>(prefix + "pads", {});
  auto_pad_ = ParseAutoPad(info.GetAttrOrDefault<std::string>(prefix + "auto_pad", "NOTSET"));
  ceil_mode_ = info.GetAttrOrDefault<int64_t>(prefix + "ceil_mode", 0) != 0;
  for (int64_t k : kernel_shape_) ORTLITE_CHECK_ARG(k > 0, "kernel_shape values must be positive");
  for (int64_t s : strides_) ORTLITE_CHECK_ARG(s > 0, "strides must be positive");
  for (int64_t d : dilations_) ORTLITE_CHECK_ARG(d > 0, "dilations must be positive");
}

void SpatialAttributes::Normalize(size_t rank, std::vector<int64_t>& strides, std::vector<int64_t>& dilations,
                                  std::vector<int64_t>& pads) const {
  strides = strides_.empty() ? std::vector<int64_t>(rank, 1) : strides_;
  dilations = dilations_.empty() ? std::vector<int64_t>(rank, 1) : dilations_;
  pads = pads_.empty() ? std::vector<int64_t>(2 * rank, 0) : pads_;
  ORTLITE_CHECK_ARG(strides.size() == rank, "strides has ", strides.size(), " values for ", rank, " spatial dims");
  ORTLITE_CHECK_ARG(dilations.size() == rank, "dilations has ", dilations.size(), " values for ", rank,
                    " spatial dims");
  ORTLITE_CHECK_ARG(pads.size() == 2 * rank, "pads has ", pads.size(), " values for ", rank, " spatial dims");
}

Geometry3D SpatialAttributes::ResolveForward(const std::vector<int64_t>& in_spatial,
                                             const std::vector<int64_t>& kernel_override) const {
  const size_t rank = in_spatial.size();
  ORTLITE_CHECK_ARG(rank >= 1 && rank <= kMaxSpatialRank, "only 1 to 3 spatial dimensions are supported, got ", rank);
  const std::vector<int64_t>& kernel = kernel_override.empty() ? kernel_shape_ : kernel_override;
  ORTLITE_CHECK_ARG(kernel.size() == rank, "kernel_shape has ", kernel.size(), " values for ", rank,
                    " spatial dims");
  std::vector<int64_t> strides, dilations, pads;
  Normalize(rank, strides, dilations, pads);

  Geometry3D g;
  const size_t shift = kMaxSpatialRank - rank;
  for (size_t i = 0; i < rank; ++i) {
    const size_t d = i + shift;
    const int64_t in = in_spatial[i];
    const int64_t k = kernel[i], s = strides[i], dil = dilations[i];
    ORTLITE_CHECK_ARG(k > 0, "kernel dims must be positive");
    const int64_t eff_k = (k - 1) * dil + 1;
    int64_t pb = pads[i], pe = pads[i + rank], out = 0;
    switch (auto_pad_) {
      case AutoPad::kNotSet: {
        ORTLITE_CHECK_ARG(pb >= 0 && pe >= 0, "pads must be non-negative");
        const int64_t span = in + pb + pe - eff_k;
        ORTLITE_CHECK_ARG(span >= 0, "the window (", eff_k, ") is larger than the padded input (", in + pb + pe,
                          ") along spatial dim ", i);
        out = (ceil_mode_ ? (span + s - 1) / s : span / s) + 1;
        // A window may not start in the end padding (it would see no input).
        if (ceil_mode_ && (out - 1) * s >= in + pb) --out;
        break;
      }
      case AutoPad::kValid: {
        pb = pe = 0;
        ORTLITE_CHECK_ARG(in >= eff_k, "the window (", eff_k, ") is larger than the input (", in,
                          ") along spatial dim ", i);
        out = (in - eff_k) / s + 1;
        break;
      }
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        out = (in + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + eff_k - in);
        if (auto_pad_ == AutoPad::kSameUpper) {
          pb = total / 2;
          pe = total - pb;
        } else {
          pe = total / 2;
          pb = total - pe;
        }
        break;
      }
    }
    g.in[d] = in;
    g.out[d] = out;
    g.kernel[d] = k;
    g.stride[d] = s;
    g.dilation[d] = dil;
    g.pad_begin[d] = pb;
    g.pad_end[d] = pe;
  }
  return g;
}

std::vector<int64_t> SpatialAttributes::OutputSpatial(const Geometry3D& g, size_t spatial_rank) {
  return std::vector<int64_t>(g.out + (kMaxSpatialRank - spatial_rank), g.out + kMaxSpatialRank);
}


template <typename T>
void Im2Col(const T* x, int64_t channels, const Geometry3D& g, int64_t row_begin, int64_t row_end, T* col,
            ThreadPool* pool) {
  const int64_t kernel_size = g.KernelSize();
  const int64_t rows = channels * kernel_size;
  const int64_t out_w = g.out[2];
  const int64_t cols = (row_end - row_begin) * out_w;
  const int64_t in_plane = g.InSize();
  ThreadPool::TryParallelFor(pool, rows, static_cast<double>(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t c = r / kernel_size;
      int64_t k = r % kernel_size;
      const int64_t kw = k % g.kernel[2];
      k /= g.kernel[2];
      const int64_t kh = k % g.kernel[1];
      const int64_t kd = k / g.kernel[1];
      const T* plane = x + c * in_plane;
      T* dst = col + r * cols;
      const int64_t w_offset = kw * g.dilation[2] - g.pad_begin[2];
      int64_t ow_begin, ow_end;
      ValidOutputRange(out_w, g.stride[2], w_offset, g.in[2], ow_begin, ow_end);
      for (int64_t row = row_begin; row < row_end; ++row, dst += out_w) {
        const int64_t od = row / g.out[1], oh = row % g.out[1];
        const int64_t id = od * g.stride[0] - g.pad_begin[0] + kd * g.dilation[0];
        const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
        if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || ow_begin >= ow_end) {
          std::fill(dst, dst + out_w, T(0));
          continue;
        }
        const T* src = plane + (id * g.in[1] + ih) * g.in[2];
        std::fill(dst, dst + ow_begin, T(0));
        const int64_t s = g.stride[2];
        if (s == 1) {
          std::memcpy(dst + ow_begin, src + ow_begin + w_offset, static_cast<size_t>(ow_end - ow_begin) * sizeof(T));
        } else {
          for (int64_t ow = ow_begin; ow < ow_end; ++ow) dst[ow] = src[ow * s + w_offset];
        }
        std::fill(dst + ow_end, dst + out_w, T(0));
      }
    }
  });
}

template <typename T>
void Col2ImAdd(const T* col, int64_t channels, const Geometry3D& g, int64_t row_begin, int64_t row_end, T* x,
               ThreadPool* pool) {
  const int64_t kernel_size = g.KernelSize();
  const int64_t out_w = g.out[2];
  const int64_t cols = (row_end - row_begin) * out_w;
  const int64_t in_plane = g.InSize();
  // One channel's rows all write into that channel's plane, so channels run in parallel.
  ThreadPool::TryParallelFor(pool, channels, static_cast<double>(kernel_size * cols), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      T* plane = x + c * in_plane;
      for (int64_t k = 0; k < kernel_size; ++k) {
        const int64_t kw = k % g.kernel[2];
        const int64_t kh = (k / g.kernel[2]) % g.kernel[1];
        const int64_t kd = k / (g.kernel[2] * g.kernel[1]);
        const T* src = col + (c * kernel_size + k) * cols;
        const int64_t w_offset = kw * g.dilation[2] - g.pad_begin[2];
        int64_t ow_begin, ow_end;
        ValidOutputRange(out_w, g.stride[2], w_offset, g.in[2], ow_begin, ow_end);
        if (ow_begin >= ow_end) continue;
        for (int64_t row = row_begin; row < row_end; ++row, src += out_w) {
          const int64_t od = row / g.out[1], oh = row % g.out[1];
          const int64_t id = od * g.stride[0] - g.pad_begin[0] + kd * g.dilation[0];
          const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
          if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) continue;
          T* dst = plane + (id * g.in[1] + ih) * g.in[2];
          const int64_t s = g.stride[2];
          if (s == 1) {
            T* d = dst + (ow_begin + w_offset);
            const T* sp = src + ow_begin;
            for (int64_t i = 0; i < ow_end - ow_begin; ++i) d[i] += sp[i];
          } else {
            for (int64_t ow = ow_begin; ow < ow_end; ++ow) dst[ow * s + w_offset] += src[ow];
          }
        }
      }
    }
  });
}

void BuildPanelSegments(const Geometry3D& g, int64_t col0, int64_t cols, int nr, std::vector<PanelSegment>& out,
                        std::vector<int64_t>& panel_begin) {
  out.clear();
  panel_begin.assign(1, 0);
  const int64_t out_w = g.out[2], out_hw = g.out[1] * g.out[2];
  for (int64_t col = col0; col < col0 + cols;) {
    const int64_t rel = col - col0, panel = rel / nr, lane = rel % nr;
    const int64_t od = col / out_hw, rem = col % out_hw, oh = rem / out_w, ow = rem % out_w;
    const int64_t len = std::min({out_w - ow, int64_t{nr} - lane, col0 + cols - col});
    if (lane == 0 && panel > 0) panel_begin.push_back(static_cast<int64_t>(out.size()));
    out.push_back({panel, lane, len, od * g.stride[0] - g.pad_begin[0], oh * g.stride[1] - g.pad_begin[1],
                   ow * g.stride[2] - g.pad_begin[2]});
    col += len;
  }
  panel_begin.push_back(static_cast<int64_t>(out.size()));
}

void BuildIm2ColRows(const Geometry3D& g, int64_t row0, int64_t rows, std::vector<Im2ColRow>& out) {
  out.resize(static_cast<size_t>(rows));
  const int64_t ks = g.KernelSize(), in_size = g.InSize();
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t row = row0 + r, c = row / ks, k = row % ks;
    const int64_t kw = k % g.kernel[2], kh = (k / g.kernel[2]) % g.kernel[1], kd = k / (g.kernel[2] * g.kernel[1]);
    out[r] = {c * in_size, kd * g.dilation[0], kh * g.dilation[1], kw * g.dilation[2]};
  }
}

void ZeroPanelTail(int64_t rows, int64_t cols, int nr, float* dst) {
  const int64_t tail = cols % nr;
  if (tail == 0) return;
  float* last = dst + (cols / nr) * rows * nr;
  for (int64_t r = 0; r < rows; ++r) std::fill(last + r * nr + tail, last + (r + 1) * nr, 0.f);
}

// Panel by panel, so the writes stream through each panel (panels are a multiple of 4 KiB apart:
// writing one row of every panel in turn would thrash a few L1 sets).
void Im2ColPanelsReference(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0,
                           int64_t cols, int nr, float* dst) {
  thread_local std::vector<PanelSegment> segments;
  thread_local std::vector<int64_t> panel_begin;
  thread_local std::vector<Im2ColRow> row_info;
  BuildPanelSegments(g, col0, cols, nr, segments, panel_begin);
  BuildIm2ColRows(g, row0, rows, row_info);
  ZeroPanelTail(rows, cols, nr, dst);
  const int64_t s = g.stride[2];
  const int64_t panels = static_cast<int64_t>(panel_begin.size()) - 1;
  for (int64_t p = 0; p < panels; ++p) {
    float* panel = dst + p * rows * nr;
    for (int64_t r = 0; r < rows; ++r) {
      const Im2ColRow& ri = row_info[r];
      for (int64_t si = panel_begin[p]; si < panel_begin[p + 1]; ++si) {
        const PanelSegment& seg = segments[si];
        float* d = panel + r * nr + seg.lane;
        const int64_t id = seg.id0 + ri.dd, ih = seg.ih0 + ri.dh;
        if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
          std::fill(d, d + seg.len, 0.f);
          continue;
        }
        const float* src = x + ri.plane_offset + (id * g.in[1] + ih) * g.in[2];
        // Column t reads src[first + t * s].
        const int64_t first = seg.iw0 + ri.dw;
        int64_t b, e;
        ValidOutputRange(seg.len, s, first, g.in[2], b, e);
        std::fill(d, d + b, 0.f);
        for (int64_t t = b; t < e; ++t) d[t] = src[first + t * s];
        std::fill(d + e, d + seg.len, 0.f);
      }
    }
  }
}

void Im2ColPanelsAvx512(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0, int64_t cols,
                        int nr, float* dst);

void Im2ColPanels(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0, int64_t cols, int nr,
                  float* dst) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  if (avx512 && nr <= 32) {
    Im2ColPanelsAvx512(x, g, row0, rows, col0, cols, nr, dst);
  } else {
    Im2ColPanelsReference(x, g, row0, rows, col0, cols, nr, dst);
  }
}

template void Im2Col<float>(const float*, int64_t, const Geometry3D&, int64_t, int64_t, float*, ThreadPool*);
template void Im2Col<double>(const double*, int64_t, const Geometry3D&, int64_t, int64_t, double*, ThreadPool*);
template void Col2ImAdd<float>(const float*, int64_t, const Geometry3D&, int64_t, int64_t, float*, ThreadPool*);
template void Col2ImAdd<double>(const double*, int64_t, const Geometry3D&, int64_t, int64_t, double*, ThreadPool*);

}  // namespace nn
}  // namespace ortlite
