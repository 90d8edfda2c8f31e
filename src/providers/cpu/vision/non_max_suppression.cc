// NonMaxSuppression (opsets 10, 11): greedy per-(batch, class) selection of boxes by descending
// score, dropping boxes whose IoU with an already selected box exceeds the threshold.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

// A box normalised to min/max corners, so both input formats and flipped corners share one IoU.
struct Corners {
  float y_min, x_min, y_max, x_max;
  float Area() const { return (y_max - y_min) * (x_max - x_min); }
};

Corners ToCorners(const float* b, bool center_point_box) {
  if (center_point_box) {
    // [x_center, y_center, width, height]
    const float half_w = b[2] / 2, half_h = b[3] / 2;
    return {b[1] - half_h, b[0] - half_w, b[1] + half_h, b[0] + half_w};
  }
  // [y1, x1, y2, x2] with any diagonal pair of corners
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]), std::max(b[1], b[3])};
}

bool OverlapsTooMuch(const Corners& a, const Corners& b, float iou_threshold) {
  const float ix_min = std::max(a.x_min, b.x_min), ix_max = std::min(a.x_max, b.x_max);
  if (ix_max <= ix_min) return false;
  const float iy_min = std::max(a.y_min, b.y_min), iy_max = std::min(a.y_max, b.y_max);
  if (iy_max <= iy_min) return false;
  const float intersection = (ix_max - ix_min) * (iy_max - iy_min);
  const float area_a = a.Area(), area_b = b.Area();
  const float union_area = area_a + area_b - intersection;
  // Degenerate boxes never suppress anything.
  if (intersection <= 0 || area_a <= 0 || area_b <= 0 || union_area <= 0) return false;
  return intersection / union_area > iou_threshold;
}

class NonMaxSuppressionKernel final : public OpKernel {
 public:
  explicit NonMaxSuppressionKernel(const OpKernelInfo& info) : OpKernel(info) {
    center_point_box_ = info.GetAttrOrDefault<int64_t>("center_point_box", 0);
    ORTLITE_CHECK_ARG(center_point_box_ == 0 || center_point_box_ == 1,
                      "center_point_box must be 0 or 1, got ", center_point_box_);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& boxes = ctx.RequiredInput(0);
    const Tensor& scores = ctx.RequiredInput(1);
    const auto& bd = boxes.Shape();
    const auto& sd = scores.Shape();
    ORTLITE_CHECK_ARG(bd.NumDimensions() == 3 && bd[2] == 4,
                      "boxes must have shape [num_batches, spatial_dimension, 4], got ", bd.ToString());
    ORTLITE_CHECK_ARG(sd.NumDimensions() == 3, "scores must have shape [num_batches, num_classes, spatial_dimension], got ",
                      sd.ToString());
    ORTLITE_CHECK_ARG(bd[0] == sd[0], "boxes and scores disagree on num_batches: ", bd[0], " vs ", sd[0]);
    ORTLITE_CHECK_ARG(bd[1] == sd[2], "boxes and scores disagree on spatial_dimension: ", bd[1], " vs ", sd[2]);

    int64_t max_per_class = 0;
    float iou_threshold = 0.f;
    bool has_score_threshold = false;
    float score_threshold = 0.f;
    if (const Tensor* t = ctx.Input(2); t && t->NumElements() > 0) {
      max_per_class = std::max<int64_t>(t->Data<int64_t>()[0], 0);
    }
    if (const Tensor* t = ctx.Input(3); t && t->NumElements() > 0) {
      iou_threshold = t->Data<float>()[0];
      ORTLITE_CHECK_ARG(iou_threshold >= 0.f && iou_threshold <= 1.f, "iou_threshold must be in [0, 1], got ",
                        iou_threshold);
    }
    if (const Tensor* t = ctx.Input(4); t && t->NumElements() > 0) {
      has_score_threshold = true;
      score_threshold = t->Data<float>()[0];
    }

    const int64_t num_batches = bd[0], num_boxes = bd[1], num_classes = sd[1];
    const int64_t num_lists = num_batches * num_classes;
    std::vector<std::vector<int64_t>> selected(static_cast<size_t>(num_lists));
    if (max_per_class > 0 && num_boxes > 0) {
      const float* box_data = boxes.Data<float>();
      const float* score_data = scores.Data<float>();
      std::vector<Corners> corners(static_cast<size_t>(num_batches * num_boxes));
      for (size_t i = 0; i < corners.size(); ++i) corners[i] = ToCorners(box_data + 4 * i, center_point_box_ != 0);

      ThreadPool::TrySimpleParallelFor(ctx.GetThreadPool(), num_lists, [&](int64_t list) {
        const int64_t batch = list / num_classes;
        const float* class_scores = score_data + list * num_boxes;
        const Corners* batch_corners = corners.data() + batch * num_boxes;

        std::vector<int64_t> candidates;
        candidates.reserve(static_cast<size_t>(num_boxes));
        for (int64_t b = 0; b < num_boxes; ++b) {
          if (!has_score_threshold || class_scores[b] > score_threshold) candidates.push_back(b);
        }
        // Highest score first; equal scores keep the lower box index first.
        std::stable_sort(candidates.begin(), candidates.end(),
                         [&](int64_t a, int64_t b) { return class_scores[a] > class_scores[b]; });

        auto& out = selected[static_cast<size_t>(list)];
        for (int64_t cand : candidates) {
          if (static_cast<int64_t>(out.size()) >= max_per_class) break;
          bool keep = true;
          for (int64_t kept : out) {
            if (OverlapsTooMuch(batch_corners[cand], batch_corners[kept], iou_threshold)) {
              keep = false;
              break;
            }
          }
          if (keep) out.push_back(cand);
        }
      });
    }

    int64_t total = 0;
    for (const auto& s : selected) total += static_cast<int64_t>(s.size());
    Tensor* y = ctx.Output(0, TensorShape({total, 3}), DataType::kInt64);
    int64_t* out = y->MutableData<int64_t>();
    for (int64_t list = 0; list < num_lists; ++list) {
      for (int64_t box : selected[static_cast<size_t>(list)]) {
        *out++ = list / num_classes;
        *out++ = list % num_classes;
        *out++ = box;
      }
    }
  }

 private:
  int64_t center_point_box_ = 0;
};

}  // namespace

// Opset 11 only relaxed the schema text; both versions share the semantics.
ONNX_CPU_KERNEL(NonMaxSuppression, 10, NonMaxSuppressionKernel, KernelDefBuilder())

}  // namespace ortlite
