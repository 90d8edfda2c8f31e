// Conv throughput (GFLOPS counter: 2 * multiply-adds / time) on layers of the benchmark CNNs:
// 3x3, 1x1, strided and depthwise, weights constant (pre-packed) as in a model.
#include "bench_util.h"

namespace ortlite {
namespace bench {
namespace {

struct ConvShape {
  const char* name;
  int64_t c, h, w, m, k, stride, pad, group;
};

const ConvShape kShapes[] = {
    {"resnet_conv1_7x7s2", 3, 224, 224, 64, 7, 2, 3, 1},
    {"resnet_l1_3x3", 64, 56, 56, 64, 3, 1, 1, 1},
    {"resnet_l1_1x1", 256, 56, 56, 64, 1, 1, 0, 1},
    {"resnet_l3_3x3", 256, 14, 14, 256, 3, 1, 1, 1},
    {"resnet_l4_3x3", 512, 7, 7, 512, 3, 1, 1, 1},
    {"resnet_l4_1x1s2", 1024, 14, 14, 2048, 1, 2, 0, 1},
    {"squeeze_fire_1x1", 128, 55, 55, 16, 1, 1, 0, 1},
    {"squeeze_fire_3x3", 16, 55, 55, 64, 3, 1, 1, 1},
    {"mobilenet_dw_3x3", 144, 56, 56, 144, 3, 1, 1, 144},
    {"mobilenet_dw_3x3s2", 96, 112, 112, 96, 3, 2, 1, 96},
    {"mobilenet_pw_1x1", 144, 56, 56, 24, 1, 1, 0, 1},
};

void BM_Conv(benchmark::State& state) {
  const ConvShape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  OneNodeModel m("Conv", 13);
  m.Input("X", {1, s.c, s.h, s.w}, false, 1);
  m.Input("W", {s.m, s.c / s.group, s.k, s.k}, true, 2);
  m.Input("B", {s.m}, true, 3);
  m.Output("Y");
  m.Attr("kernel_shape", std::vector<int64_t>{s.k, s.k});
  m.Attr("strides", std::vector<int64_t>{s.stride, s.stride});
  m.Attr("pads", std::vector<int64_t>{s.pad, s.pad, s.pad, s.pad});
  m.Attr("group", s.group);
  m.Prepare(threads);
  for (auto _ : state) m.Run();
  const int64_t oh = (s.h + 2 * s.pad - s.k) / s.stride + 1, ow = (s.w + 2 * s.pad - s.k) / s.stride + 1;
  const double macs = static_cast<double>(s.m) * (s.c / s.group) * s.k * s.k * oh * ow;
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * macs * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(s.name);
}

void ConvArgs(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < static_cast<int64_t>(sizeof(kShapes) / sizeof(kShapes[0])); ++i) b->Args({i, 1});
}
void ConvArgs2(benchmark::internal::Benchmark* b) {
  for (int64_t i = 0; i < static_cast<int64_t>(sizeof(kShapes) / sizeof(kShapes[0])); ++i) b->Args({i, 2});
}

BENCHMARK(BM_Conv)->Apply(ConvArgs)->ArgNames({"shape", "threads"});
BENCHMARK(BM_Conv)->Apply(ConvArgs2)->ArgNames({"shape", "threads"})->UseRealTime();

}  // namespace
}  // namespace bench
}  // namespace ortlite
