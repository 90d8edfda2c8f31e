// TfIdfVectorizer (opset 9): counts the n-grams of a pool (with optional skips between items) in
// each row of a [C] or [N, C] tensor of integers or strings, and weights the counts (TF, IDF or
// TFIDF).
//
// The pool's n-grams are loaded into a trie keyed by item, so one walk from each start position
// finds every n-gram length at once. Strings are mapped to integer ids at construction; an input
// string outside the pool maps to an id that matches nothing.
//
// IDF/TFIDF weights are looked up by output coordinate, which is what the ONNX reference, ONNX
// Runtime and the converters that produce this op (skl2onnx) agree on.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

enum class Weighting { kTF, kIDF, kTFIDF };

constexpr int64_t kNoItem = -1;  // the id of items not in the pool

struct TrieNode {
  std::unordered_map<int64_t, int32_t> children;  // item id -> node index
  int64_t output = -1;                            // output coordinate of the n-gram ending here
};

class TfIdfVectorizerKernel final : public OpKernel {
 public:
  explicit TfIdfVectorizerKernel(const OpKernelInfo& info) : OpKernel(info) {
    const std::string mode = info.GetAttr<std::string>("mode");
    if (mode == "TF") {
      weighting_ = Weighting::kTF;
    } else if (mode == "IDF") {
      weighting_ = Weighting::kIDF;
    } else {
      ORTLITE_CHECK_ARG(mode == "TFIDF", "mode must be TF, IDF or TFIDF, got '", mode, "'");
      weighting_ = Weighting::kTFIDF;
    }
    min_gram_ = info.GetAttr<int64_t>("min_gram_length");
    max_gram_ = info.GetAttr<int64_t>("max_gram_length");
    max_skip_ = info.GetAttr<int64_t>("max_skip_count");
    ORTLITE_CHECK_ARG(min_gram_ >= 1 && max_gram_ >= min_gram_, "need 1 <= min_gram_length <= max_gram_length, got ",
                      min_gram_, " and ", max_gram_);
    ORTLITE_CHECK_ARG(max_skip_ >= 0, "max_skip_count must be non-negative, got ", max_skip_);

    const auto ngram_counts = info.GetAttr<std::vector<int64_t>>("ngram_counts");
    const auto ngram_indexes = info.GetAttr<std::vector<int64_t>>("ngram_indexes");
    weights_ = info.GetAttrOrDefault<std::vector<float>>("weights", {});
    const auto pool_ints = info.GetAttrOrDefault<std::vector<int64_t>>("pool_int64s", {});
    const auto pool_strings = info.GetAttrOrDefault<std::vector<std::string>>("pool_strings", {});
    ORTLITE_CHECK_ARG(pool_ints.empty() || pool_strings.empty(), "only one of pool_int64s and pool_strings may be set");
    string_pool_ = !pool_strings.empty();

    // The pool as item ids.
    std::vector<int64_t> pool = pool_ints;
    if (string_pool_) {
      pool.reserve(pool_strings.size());
      for (const auto& s : pool_strings) {
        auto it = string_ids_.emplace(s, static_cast<int64_t>(string_ids_.size())).first;
        pool.push_back(it->second);
      }
    }
    const auto pool_size = static_cast<int64_t>(pool.size());

    output_size_ = 0;
    for (int64_t idx : ngram_indexes) {
      ORTLITE_CHECK_ARG(idx >= 0, "ngram_indexes must be non-negative, got ", idx);
      output_size_ = std::max(output_size_, idx + 1);
    }
    ORTLITE_CHECK_ARG(weights_.empty() || weighting_ == Weighting::kTF ||
                          static_cast<int64_t>(weights_.size()) >= output_size_,
                      "weights has ", weights_.size(), " values but the output has ", output_size_, " coordinates");

    // Load the n-grams of lengths [min, max]; ngram_counts[i] is where the (i+1)-grams start.
    nodes_.emplace_back();
    int64_t ngram_number = 0;  // position in ngram_indexes
    for (size_t level = 0; level < ngram_counts.size(); ++level) {
      const int64_t n = static_cast<int64_t>(level) + 1;
      const int64_t begin = ngram_counts[level];
      const int64_t end = level + 1 < ngram_counts.size() ? ngram_counts[level + 1] : pool_size;
      ORTLITE_CHECK_ARG(begin >= 0 && begin <= end && end <= pool_size, "ngram_counts ", begin, "..", end,
                        " does not fit a pool of ", pool_size, " items");
      ORTLITE_CHECK_ARG((end - begin) % n == 0, "the ", n, "-gram section of the pool holds ", end - begin,
                        " items, not a multiple of ", n);
      for (int64_t start = begin; start < end; start += n, ++ngram_number) {
        if (n < min_gram_ || n > max_gram_) continue;
        ORTLITE_CHECK_ARG(ngram_number < static_cast<int64_t>(ngram_indexes.size()), "ngram_indexes has ",
                          ngram_indexes.size(), " entries but the pool holds more n-grams");
        int32_t node = 0;
        for (int64_t k = 0; k < n; ++k) {
          const int64_t item = pool[start + k];
          auto it = nodes_[node].children.find(item);
          if (it == nodes_[node].children.end()) {
            nodes_.emplace_back();
            it = nodes_[node].children.emplace(item, static_cast<int32_t>(nodes_.size() - 1)).first;
          }
          node = it->second;
        }
        nodes_[node].output = ngram_indexes[ngram_number];
      }
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const auto& dims = x.Shape();
    ORTLITE_CHECK_ARG(dims.NumDimensions() == 1 || dims.NumDimensions() == 2, "input must be [C] or [N, C], got ",
                      dims.ToString());
    const bool batched = dims.NumDimensions() == 2;
    const int64_t rows = batched ? dims[0] : 1;
    const int64_t row_len = batched ? dims[1] : dims[0];

    std::vector<int64_t> ids(static_cast<size_t>(x.NumElements()));
    const DataType type = x.GetElementType();
    if (type == DataType::kString) {
      ORTLITE_CHECK_ARG(string_pool_ || nodes_[0].children.empty(), "string input needs pool_strings");
      const std::string* in = x.Data<std::string>();
      for (size_t i = 0; i < ids.size(); ++i) {
        auto it = string_ids_.find(in[i]);
        ids[i] = it == string_ids_.end() ? kNoItem : it->second;
      }
    } else {
      ORTLITE_CHECK_ARG(!string_pool_, "integer input needs pool_int64s, but pool_strings is set");
      if (type == DataType::kInt32) {
        const int32_t* in = x.Data<int32_t>();
        std::copy(in, in + ids.size(), ids.begin());
      } else {
        ORTLITE_CHECK_ARG(type == DataType::kInt64, "input must be int32, int64 or string, got ", DataTypeName(type));
        const int64_t* in = x.Data<int64_t>();
        std::copy(in, in + ids.size(), ids.begin());
      }
    }

    Tensor* y = ctx.Output(0, batched ? TensorShape({rows, output_size_}) : TensorShape({output_size_}),
                           DataType::kFloat);
    float* out = y->MutableData<float>();
    std::fill(out, out + y->NumElements(), 0.f);
    if (nodes_[0].children.empty() || row_len == 0) return;

    const double cost = static_cast<double>(row_len * (max_skip_ + 1) * max_gram_) * 20.0;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, cost, [&](int64_t begin, int64_t end) {
      std::vector<int64_t> counts(static_cast<size_t>(output_size_));
      for (int64_t r = begin; r < end; ++r) {
        std::fill(counts.begin(), counts.end(), 0);
        CountRow(ids.data() + r * row_len, row_len, counts);
        Weigh(counts, out + r * output_size_);
      }
    });
  }

 private:
  void CountRow(const int64_t* row, int64_t len, std::vector<int64_t>& counts) const {
    for (int64_t skip = 0; skip <= max_skip_; ++skip) {
      const int64_t step = skip + 1;
      // Unigrams do not depend on the skip, so they are counted on the first pass only.
      const int64_t shortest = skip == 0 ? min_gram_ : std::max<int64_t>(min_gram_, 2);
      if (shortest > max_gram_) break;
      for (int64_t start = 0; start + step * (shortest - 1) < len; ++start) {
        int32_t node = 0;
        int64_t pos = start;
        for (int64_t n = 1; n <= max_gram_ && pos < len; ++n, pos += step) {
          const auto& children = nodes_[node].children;
          auto it = children.find(row[pos]);
          if (it == children.end()) break;
          node = it->second;
          if (n >= shortest && nodes_[node].output >= 0) ++counts[nodes_[node].output];
        }
      }
    }
  }

  void Weigh(const std::vector<int64_t>& counts, float* out) const {
    for (int64_t i = 0; i < output_size_; ++i) {
      const auto c = static_cast<float>(counts[i]);
      const float w = weights_.empty() ? 1.f : weights_[i];
      switch (weighting_) {
        case Weighting::kTF:
          out[i] = c;
          break;
        case Weighting::kIDF:
          out[i] = counts[i] > 0 ? w : 0.f;
          break;
        case Weighting::kTFIDF:
          out[i] = c * w;
          break;
      }
    }
  }

  Weighting weighting_ = Weighting::kTF;
  int64_t min_gram_ = 1, max_gram_ = 1, max_skip_ = 0;
  int64_t output_size_ = 0;
  std::vector<float> weights_;
  bool string_pool_ = false;
  std::unordered_map<std::string, int64_t> string_ids_;
  std::vector<TrieNode> nodes_;
};

}  // namespace

ONNX_CPU_KERNEL(TfIdfVectorizer, 9, TfIdfVectorizerKernel, KernelDefBuilder())

}  // namespace ortlite
