// Throughput of non-GEMM operators on shapes from the benchmark models: pooling, Softmax,
// LayerNormalization, Gelu and broadcasting Add. The "GBps" counter is the bytes read and written
// per second (these operators are memory-bound); arg 0 selects the shape, arg 1 the threads.
#include "bench_util.h"

namespace ortlite {
namespace bench {
namespace {

void SetBytes(benchmark::State& state, double bytes_per_run) {
  state.counters["GBps"] =
      benchmark::Counter(bytes_per_run * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

struct PoolShape {
  const char* name;
  const char* op;
  int64_t c, h, w, k, stride, pad, ceil;
};

const PoolShape kPools[] = {
    {"resnet_maxpool_3x3s2", "MaxPool", 64, 112, 112, 3, 2, 1, 0},
    {"squeeze_maxpool_3x3s2_ceil", "MaxPool", 64, 111, 111, 3, 2, 0, 1},
    {"avgpool_3x3s1", "AveragePool", 64, 56, 56, 3, 1, 1, 0},
    {"global_avgpool_7x7", "GlobalAveragePool", 2048, 7, 7, 0, 0, 0, 0},
    {"global_avgpool_13x13", "GlobalAveragePool", 1000, 13, 13, 0, 0, 0, 0},
};

void BM_Pool(benchmark::State& state) {
  const PoolShape& s = kPools[state.range(0)];
  OneNodeModel m(s.op, 13);
  m.Input("X", {1, s.c, s.h, s.w}, false);
  m.Output("Y");
  int64_t out = 1;
  if (s.k > 0) {
    m.Attr("kernel_shape", std::vector<int64_t>{s.k, s.k});
    m.Attr("strides", std::vector<int64_t>{s.stride, s.stride});
    m.Attr("pads", std::vector<int64_t>{s.pad, s.pad, s.pad, s.pad});
    if (s.ceil) m.Attr("ceil_mode", int64_t{1});
    const int64_t span = s.h + 2 * s.pad - s.k;
    const int64_t o = (s.ceil ? (span + s.stride - 1) / s.stride : span / s.stride) + 1;
    out = o * o;
  }
  m.Prepare(static_cast<int>(state.range(1)));
  for (auto _ : state) m.Run();
  SetBytes(state, 4.0 * s.c * (s.h * s.w + out));
  state.SetLabel(s.name);
}

// Softmax / LayerNormalization / Gelu over the last axis of (rows, cols).
void RowOp(benchmark::State& state, const char* op, int opset, const char* domain) {
  const int64_t rows = state.range(0), cols = state.range(1);
  OneNodeModel m(op, opset, domain);
  m.Input("X", {rows, cols}, false);
  if (std::string(op) == "LayerNormalization") {
    m.Input("scale", {cols}, true, 2);
    m.Input("bias", {cols}, true, 3);
  }
  if (std::string(op) == "Softmax") m.Attr("axis", int64_t{-1});
  m.Output("Y");
  m.Prepare(static_cast<int>(state.range(2)));
  for (auto _ : state) m.Run();
  SetBytes(state, 8.0 * rows * cols);
}

void BM_Softmax(benchmark::State& state) { RowOp(state, "Softmax", 13, ""); }
void BM_LayerNorm(benchmark::State& state) { RowOp(state, "LayerNormalization", 17, ""); }
void BM_Gelu(benchmark::State& state) { RowOp(state, "Gelu", 17, "com.microsoft"); }

// A (rows, cols) + B broadcast: B of shape (cols) [bias], (rows, 1) [per-row], or (rows, cols).
void BM_AddBroadcast(benchmark::State& state) {
  const int64_t rows = state.range(0), cols = state.range(1), kind = state.range(2);
  OneNodeModel m("Add", 14);
  m.Input("A", {rows, cols}, false, 1);
  const std::vector<int64_t> b_dims = kind == 0 ? std::vector<int64_t>{cols}
                                      : kind == 1 ? std::vector<int64_t>{rows, 1}
                                                  : std::vector<int64_t>{rows, cols};
  m.Input("B", b_dims, false, 2);
  m.Output("C");
  m.Prepare(static_cast<int>(state.range(3)));
  for (auto _ : state) m.Run();
  SetBytes(state, 4.0 * (2 * rows * cols + ElementCount(b_dims)));
  state.SetLabel(kind == 0 ? "row_bias" : kind == 1 ? "per_row" : "same_shape");
}

void PoolArgs(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < static_cast<int64_t>(sizeof(kPools) / sizeof(kPools[0])); ++i) b->Args({i, 1});
}
void RowArgs(benchmark::internal::Benchmark* b) {
  b->Args({128, 384, 1})->Args({128, 1536, 1})->Args({1024, 1000, 1})->Args({4096, 128, 1});
}
void AddArgs(benchmark::internal::Benchmark* b) {
  for (int64_t kind = 0; kind < 3; ++kind) b->Args({512, 768, kind, 1})->Args({64, 3136, kind, 1});
}

BENCHMARK(BM_Pool)->Apply(PoolArgs)->ArgNames({"shape", "threads"});
BENCHMARK(BM_Softmax)->Apply(RowArgs)->ArgNames({"rows", "cols", "threads"});
BENCHMARK(BM_LayerNorm)->Apply(RowArgs)->ArgNames({"rows", "cols", "threads"});
BENCHMARK(BM_Gelu)->Apply(RowArgs)->ArgNames({"rows", "cols", "threads"});
BENCHMARK(BM_AddBroadcast)->Apply(AddArgs)->ArgNames({"rows", "cols", "kind", "threads"});

}  // namespace
}  // namespace bench
}  // namespace ortlite
