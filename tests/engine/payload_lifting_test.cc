// LiftLargePayloads against protobuf's own parser: on random models, parsing the compact copy and
// putting the lifted slices back must give exactly the original message; malformed bytes must
// never crash the loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/common/status.h"
#include "core/graph/model.h"
#include "core/graph/payload_lifting.h"
#include "engine/test_ops.h"

namespace fs = std::filesystem;

namespace ortlite {
namespace test {
namespace {

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

void RandomTensor(std::mt19937& rng, onnx::TensorProto& t, const std::string& name) {
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::UINT8);
  const int kind = static_cast<int>(rng() % 6);
  size_t n = kind == 0 ? rng() % 64 : rng() % 6000;
  if (kind == 5) {
    // Typed fields, no raw data: nothing to lift.
    t.set_data_type(onnx::TensorProto::FLOAT);
    n %= 300;
    for (size_t i = 0; i < n; ++i) t.add_float_data(static_cast<float>(i));
    t.add_dims(static_cast<int64_t>(n));
    return;
  }
  t.add_dims(static_cast<int64_t>(n));
  t.set_raw_data(RandomBytes(rng, n));
  if (kind == 4) {
    // Already says where its data is: left alone.
    auto* kv = t.add_external_data();
    kv->set_key("location");
    kv->set_value("elsewhere.bin");
  }
  if (rng() % 7 == 0) t.set_doc_string(RandomBytes(rng, rng() % 40));
}

void RandomGraph(std::mt19937& rng, onnx::GraphProto& g, int depth, const std::string& prefix) {
  g.set_name(prefix + "graph");
  const int inits = static_cast<int>(rng() % 6);
  for (int i = 0; i < inits; ++i) RandomTensor(rng, *g.add_initializer(), prefix + "w" + std::to_string(i));
  const int nodes = static_cast<int>(rng() % 4);
  for (int i = 0; i < nodes; ++i) {
    auto* n = g.add_node();
    n->set_op_type(rng() % 2 ? "Constant" : "If");
    n->add_output(prefix + "n" + std::to_string(i));
    auto* a = n->add_attribute();
    if (n->op_type() == "Constant" || depth >= 2) {
      a->set_name("value");
      a->set_type(onnx::AttributeProto::TENSOR);
      RandomTensor(rng, *a->mutable_t(), "");  // attribute tensors are parsed with their node
    } else {
      a->set_name("then_branch");
      a->set_type(onnx::AttributeProto::GRAPH);
      RandomGraph(rng, *a->mutable_g(), depth + 1, prefix + "s" + std::to_string(i) + "_");
    }
  }
}

bool IsLifted(const onnx::TensorProto& t, size_t* index) {
  for (const auto& kv : t.external_data()) {
    if (kv.key() == kLiftedSliceKey) {
      *index = std::stoul(kv.value());
      return true;
    }
  }
  return false;
}

// Puts lifted payloads back; counts them and checks each was worth lifting.
void Restore(onnx::GraphProto& g, const LiftedPayloads& lifted, const std::string& bytes, size_t min_bytes,
             size_t* restored) {
  for (auto& t : *g.mutable_initializer()) {
    size_t index = 0;
    if (!IsLifted(t, &index)) continue;
    ASSERT_LT(index, lifted.slices.size());
    const auto& slice = lifted.slices[index];
    ASSERT_GE(slice.size, min_bytes);
    ASSERT_EQ(t.data_location(), onnx::TensorProto::EXTERNAL);
    t.set_raw_data(bytes.substr(slice.offset, slice.size));
    t.clear_external_data();
    t.clear_data_location();
    ++*restored;
  }
  for (auto& n : *g.mutable_node())
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_t()) {
        size_t index = 0;
        EXPECT_FALSE(IsLifted(a.t(), &index)) << "an attribute tensor was lifted";
      }
      if (a.has_g()) Restore(*a.mutable_g(), lifted, bytes, min_bytes, restored);
    }
}

size_t CountLiftable(const onnx::GraphProto& g, size_t min_bytes) {
  size_t n = 0;
  for (const auto& t : g.initializer())
    n += t.has_raw_data() && t.raw_data().size() >= min_bytes && t.external_data_size() == 0 && !t.has_data_location();
  for (const auto& node : g.node())
    for (const auto& a : node.attribute())
      if (a.has_g()) n += CountLiftable(a.g(), min_bytes);
  return n;
}

TEST(PayloadLiftingTest, MatchesProtobufOnRandomModels) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name(RandomBytes(rng, rng() % 10));
    m.add_opset_import()->set_version(17);
    RandomGraph(rng, *m.mutable_graph(), 0, "");
    if (rng() % 3 == 0) m.set_doc_string(RandomBytes(rng, rng() % 3000));  // a large string elsewhere
    std::string bytes;
    ASSERT_TRUE(m.SerializeToString(&bytes));
    const size_t min_bytes = trial % 4 == 0 ? 1 : kMinLiftedPayloadBytes;
    const size_t liftable = CountLiftable(m.graph(), min_bytes);

    LiftedPayloads lifted;
    const bool any = LiftLargePayloads(bytes.data(), bytes.size(), min_bytes, &lifted);
    ASSERT_EQ(any, liftable > 0) << "trial " << trial;
    if (!any) continue;
    EXPECT_EQ(lifted.slices.size(), liftable);
    if (min_bytes == kMinLiftedPayloadBytes) {
      EXPECT_LT(lifted.compact.size(), bytes.size());
    }
    onnx::ModelProto parsed;
    ASSERT_TRUE(parsed.ParseFromString(lifted.compact)) << "trial " << trial;
    size_t restored = 0;
    Restore(*parsed.mutable_graph(), lifted, bytes, min_bytes, &restored);
    EXPECT_EQ(restored, liftable);
    EXPECT_EQ(parsed.SerializeAsString(), m.SerializeAsString()) << "trial " << trial;
  }
}

TEST(PayloadLiftingTest, TruncatedAndCorruptBytesNeverCrashTheLoader) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {600});
  AddFloatValue(g.mutable_output(), "Y", {600});
  AddTestNode(g, "TestAdd", {"X", "W"}, "Y");
  auto* w = g.add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(600);
  w->set_raw_data(std::string(2400, '\x01'));
  std::string bytes;
  m.SerializeToString(&bytes);

  const fs::path dir = fs::temp_directory_path() / ("ortlite_lifting_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "model.onnx";
  auto load = [&](const std::string& data) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    try {
      Model::LoadFromFile(path.string());
      return true;
    } catch (const OrtliteError& e) {
      EXPECT_TRUE(e.Code() == ErrorCode::kInvalidProtobuf || e.Code() == ErrorCode::kInvalidGraph) << e.what();
      return false;
    }
  };
  EXPECT_TRUE(load(bytes));
  for (size_t cut = 1; cut < bytes.size(); cut += 37) {
    // Cuts inside the payload leave a well-formed prefix protobuf rejects; the loader must too.
    EXPECT_FALSE(load(bytes.substr(0, cut))) << "cut at " << cut;
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::string corrupt = bytes;
    for (int k = 0; k < 3; ++k) corrupt[rng() % corrupt.size()] = static_cast<char>(rng());
    load(corrupt);  // may load or fail, but cleanly
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
