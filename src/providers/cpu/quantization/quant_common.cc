#include "providers/cpu/quantization/quant_common.h"

namespace ortlite {
namespace quant {

std::vector<int32_t> ReadAsInt32(const Tensor& t, const char* what) {
  std::vector<int32_t> out(static_cast<size_t>(t.NumElements()));
  VisitType<TypeList<uint8_t, int8_t, int32_t>>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* d = t.Data<T>();
        for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int32_t>(d[i]);
      },
      what);
  return out;
}

std::vector<float> ReadScales(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.GetElementType() == DataType::kFloat, what, " must be float, got ",
                    DataTypeName(t.GetElementType()));
  const float* d = t.Data<float>();
  return std::vector<float>(d, d + t.NumElements());
}

void GemmS16S32(int64_t M, int64_t N, int64_t K, const int16_t* A, int64_t lda, const int16_t* B, int64_t ldb,
                int32_t* C, int64_t ldc, ThreadPool* pool) {
  if (M <= 0 || N <= 0) return;
  // Tiles of a few rows by a strip of columns: each B element loaded feeds kRows products, and
  // tiles split the work along M and N alike (M is often 1 for vector-matrix products).
  constexpr int64_t kRows = 4, kCols = 256;
  const int64_t row_tiles = (M + kRows - 1) / kRows;
  const int64_t col_tiles = (N + kCols - 1) / kCols;
  ThreadPool::TryParallelFor(
      pool, row_tiles * col_tiles, static_cast<double>(kRows * kCols * std::max<int64_t>(K, 1)),
      [&](int64_t begin, int64_t end) {
        // Unsigned accumulators: the spec lets 32-bit accumulation wrap, and unsigned wrap is defined.
        uint32_t acc[kRows][kCols];
        for (int64_t tile = begin; tile < end; ++tile) {
          const int64_t m0 = (tile / col_tiles) * kRows;
          const int64_t n0 = (tile % col_tiles) * kCols;
          const int64_t rows = std::min(kRows, M - m0);
          const int64_t cols = std::min(kCols, N - n0);
          for (int64_t r = 0; r < rows; ++r) std::fill(acc[r], acc[r] + cols, 0u);
          for (int64_t k = 0; k < K; ++k) {
            const int16_t* b = B + k * ldb + n0;
            for (int64_t r = 0; r < rows; ++r) {
              const int32_t a = A[(m0 + r) * lda + k];
              if (a == 0) continue;
              uint32_t* ac = acc[r];
              for (int64_t c = 0; c < cols; ++c) ac[c] += static_cast<uint32_t>(a * static_cast<int32_t>(b[c]));
            }
          }
          for (int64_t r = 0; r < rows; ++r) {
            int32_t* out = C + (m0 + r) * ldc + n0;
            for (int64_t c = 0; c < cols; ++c) out[c] = static_cast<int32_t>(acc[r][c]);
          }
        }
      });
}

}  // namespace quant
}  // namespace ortlite
