// Conv throughput (GFLOPS counter: 2 * multiply-adds / time) on layers of the benchmark CNNs:
// 3x3, 1x1, strided and depthwise, weights constant (pre-packed) as in a model; and the stem
// MaxPools. Named BM_Conv/<layer>/threads:<n>, BM_MaxPool/<layer>/threads:<n>.
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
    {"resnet_l1_1x1_expand", 64, 56, 56, 256, 1, 1, 0, 1},
    {"resnet_l2_1x1_first", 256, 56, 56, 128, 1, 1, 0, 1},
    {"resnet_l2_3x3", 128, 28, 28, 128, 3, 1, 1, 1},
    {"resnet_l2_1x1_expand", 128, 28, 28, 512, 1, 1, 0, 1},
    {"resnet_l3_3x3", 256, 14, 14, 256, 3, 1, 1, 1},
    {"resnet_l3_1x1_reduce", 1024, 14, 14, 256, 1, 1, 0, 1},
    {"resnet_l3_1x1_expand", 256, 14, 14, 1024, 1, 1, 0, 1},
    {"resnet_l4_3x3", 512, 7, 7, 512, 3, 1, 1, 1},
    {"resnet_l4_1x1_expand", 512, 7, 7, 2048, 1, 1, 0, 1},
    {"resnet_l4_1x1s2", 1024, 14, 14, 2048, 1, 2, 0, 1},
    {"resnet_l2_3x3s2", 128, 56, 56, 128, 3, 2, 1, 1},
    {"squeeze_conv1", 3, 224, 224, 64, 3, 2, 0, 1},
    {"squeeze_fire_1x1", 128, 55, 55, 16, 1, 1, 0, 1},
    {"squeeze_fire_expand_1x1", 16, 55, 55, 64, 1, 1, 0, 1},
    {"squeeze_fire_3x3", 16, 55, 55, 64, 3, 1, 1, 1},
    {"squeeze_final_1x1", 512, 13, 13, 1000, 1, 1, 0, 1},
    {"mobilenet_conv1", 3, 224, 224, 32, 3, 2, 1, 1},
    {"mobilenet_dw_3x3", 144, 56, 56, 144, 3, 1, 1, 144},
    {"mobilenet_dw_3x3s2", 96, 112, 112, 96, 3, 2, 1, 96},
    {"mobilenet_dw_7x7", 960, 7, 7, 960, 3, 1, 1, 960},
    {"mobilenet_dw_3x3s2_56", 144, 56, 56, 144, 3, 2, 1, 144},
    {"mobilenet_dw_3x3s2_28", 192, 28, 28, 192, 3, 2, 1, 192},
    {"mobilenet_dw_3x3s2_14", 576, 14, 14, 576, 3, 2, 1, 576},
    {"mobilenet_dw_14x14", 576, 14, 14, 576, 3, 1, 1, 576},
    {"mobilenet_pw_1x1", 144, 56, 56, 24, 1, 1, 0, 1},
    {"mobilenet_pw_expand_112", 16, 112, 112, 96, 1, 1, 0, 1},
    {"mobilenet_pw_32_16_112", 32, 112, 112, 16, 1, 1, 0, 1},
    {"mobilenet_pw_960_160_7", 960, 7, 7, 160, 1, 1, 0, 1},
    {"mobilenet_pw_384_64_14", 384, 14, 14, 64, 1, 1, 0, 1},
    {"mobilenet_pw_96_576_14", 96, 14, 14, 576, 1, 1, 0, 1},
};

void BM_Conv(benchmark::State& state, const ConvShape& s, int threads) {
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
}

// MaxPool 3x3 stride 2 of the CNN stems (the 8-channel one stays in L2: compute alone).
struct PoolShape {
  const char* name;
  int64_t c, h, w, pad, ceil_mode;
};
const PoolShape kPoolShapes[] = {
    {"resnet_maxpool", 64, 112, 112, 1, 0},
    {"squeeze_maxpool", 64, 111, 111, 0, 1},
    {"squeeze_maxpool_8ch", 8, 111, 111, 0, 1},
    {"squeeze_maxpool_27", 256, 27, 27, 0, 1},
};

void BM_MaxPool(benchmark::State& state, const PoolShape& s, int threads) {
  OneNodeModel m("MaxPool", 13);
  m.Input("X", {1, s.c, s.h, s.w}, false, 1);
  m.Output("Y");
  m.Attr("kernel_shape", std::vector<int64_t>{3, 3});
  m.Attr("strides", std::vector<int64_t>{2, 2});
  m.Attr("pads", std::vector<int64_t>{s.pad, s.pad, s.pad, s.pad});
  m.Attr("ceil_mode", s.ceil_mode);
  m.Prepare(threads);
  for (auto _ : state) m.Run();
}

// One benchmark per shape and thread count, named BM_Conv/<shape>/threads:<n> so a filter can
// pick layers by name.
const bool kRegistered = [] {
  for (const ConvShape& s : kShapes) {
    for (int threads : {1, 2}) {
      const std::string name = std::string("BM_Conv/") + s.name + "/threads:" + std::to_string(threads);
      auto* b = benchmark::RegisterBenchmark(name.c_str(), [&s, threads](benchmark::State& st) { BM_Conv(st, s, threads); });
      if (threads > 1) b->UseRealTime();
    }
  }
  for (const PoolShape& s : kPoolShapes) {
    for (int threads : {1, 2}) {
      const std::string name = std::string("BM_MaxPool/") + s.name + "/threads:" + std::to_string(threads);
      auto* b = benchmark::RegisterBenchmark(name.c_str(), [&s, threads](benchmark::State& st) { BM_MaxPool(st, s, threads); });
      if (threads > 1) b->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace bench
}  // namespace ortlite
