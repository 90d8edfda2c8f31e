// ai.onnx.ml operators chained as converters export scikit-learn pipelines: a scaler feeding a
// tree classifier whose probabilities ZipMap turns into a sequence of maps, and imputation,
// normalisation and a linear regressor. Checks that type inference, planning and the
// executor carry labels, scores and map sequences between the nodes.
#include <cmath>
#include <limits>

#include "core/session/inference_session.h"
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

using Ints = std::vector<int64_t>;
using Floats = std::vector<float>;

void SetAttr(onnx::NodeProto* n, const std::string& name, const Ints& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}
void SetAttr(onnx::NodeProto* n, const std::string& name, const Floats& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOATS);
  for (auto x : v) a->add_floats(x);
}
void SetAttr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void SetAttr(onnx::NodeProto* n, const std::string& name, const std::vector<std::string>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (const auto& x : v) a->add_strings(x);
}
void SetAttr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& inputs,
                         const std::vector<std::string>& outputs) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_domain("ai.onnx.ml");
  n->set_name(op + "_" + std::to_string(g->node_size()));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

void AddTensorValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                    DataType type) {
  auto* vi = list->Add();
  vi->set_name(name);
  vi->mutable_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(type));
}

onnx::ModelProto NewModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto* ml = model.add_opset_import();
  ml->set_domain("ai.onnx.ml");
  ml->set_version(3);
  auto* onnx_opset = model.add_opset_import();
  onnx_opset->set_domain("");
  onnx_opset->set_version(17);
  model.mutable_graph()->set_name("pipeline");
  return model;
}

std::vector<OrtValue> RunPipeline(const onnx::ModelProto& model, const Tensor& x) {
  std::string bytes;
  model.SerializeToString(&bytes);
  InferenceSession session{SessionOptions{}};
  session.Load(bytes.data(), bytes.size());
  session.Initialize();
  return session.Run(RunOptions{}, {"X"}, {OrtValue(x)}, {});
}

TEST(MLPipelineTest, ScalerTreeClassifierZipMap) {
  auto model = NewModel();
  auto* g = model.mutable_graph();
  AddTensorValue(g->mutable_input(), "X", DataType::kFloat);
  auto* scaler = AddNode(g, "Scaler", {"X"}, {"scaled"});
  SetAttr(scaler, "offset", Floats{1, 0});
  SetAttr(scaler, "scale", Floats{0.5f, 1});
  // Two trees over the scaled features: x0 <= 0.5 and x1 < 1, each into leaves 1 and 2.
  auto* trees = AddNode(g, "TreeEnsembleClassifier", {"scaled"}, {"label", "probabilities"});
  SetAttr(trees, "nodes_treeids", Ints{0, 0, 0, 1, 1, 1});
  SetAttr(trees, "nodes_nodeids", Ints{0, 1, 2, 0, 1, 2});
  SetAttr(trees, "nodes_featureids", Ints{0, 0, 0, 1, 0, 0});
  SetAttr(trees, "nodes_modes",
          std::vector<std::string>{"BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LT", "LEAF", "LEAF"});
  SetAttr(trees, "nodes_values", Floats{0.5f, 0, 0, 1, 0, 0});
  SetAttr(trees, "nodes_truenodeids", Ints{1, 0, 0, 1, 0, 0});
  SetAttr(trees, "nodes_falsenodeids", Ints{2, 0, 0, 2, 0, 0});
  SetAttr(trees, "class_treeids", Ints{0, 0, 0, 1, 1, 1});
  SetAttr(trees, "class_nodeids", Ints{1, 1, 2, 1, 1, 2});
  SetAttr(trees, "class_ids", Ints{0, 1, 2, 0, 1, 2});
  SetAttr(trees, "class_weights", Floats{0.4f, 0.1f, 0.5f, 0.1f, 0.2f, 0.6f});
  SetAttr(trees, "classlabels_int64s", Ints{10, 20, 30});
  auto* zip = AddNode(g, "ZipMap", {"probabilities"}, {"output_probability"});
  SetAttr(zip, "classlabels_int64s", Ints{10, 20, 30});
  AddTensorValue(g->mutable_output(), "label", DataType::kInt64);
  auto* out = g->add_output();
  out->set_name("output_probability");
  auto* map = out->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_map_type();
  map->set_key_type(static_cast<int>(DataType::kInt64));
  map->mutable_value_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(DataType::kFloat));

  // Scaled rows (0,0), (1,2), (0,5), (1,0).
  auto outputs = RunPipeline(model, Tensor::FromVector<float>({1, 0, 3, 2, 1, 5, 3, 0}, {4, 2}));
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(CompareTensors(Tensor::FromVector<int64_t>({10, 30, 30, 30}, {4}), outputs[0].Get(), {}), "");
  ASSERT_TRUE(outputs[1].IsSequence());
  const auto& maps = outputs[1].GetSequence().values;
  ASSERT_EQ(maps.size(), 4u);
  const std::vector<Floats> expected = {{0.5f, 0.3f, 0}, {0, 0, 1.1f}, {0.4f, 0.1f, 0.6f}, {0.1f, 0.2f, 0.5f}};
  for (size_t r = 0; r < maps.size(); ++r) {
    ASSERT_TRUE(maps[r].IsMap());
    const MapValue& m = maps[r].GetMap();
    EXPECT_EQ(CompareTensors(Tensor::FromVector<int64_t>({10, 20, 30}, {3}), m.keys, {}), "") << "row " << r;
    EXPECT_EQ(CompareTensors(Tensor::FromVector<float>(expected[r], {3}), m.values, {}), "") << "row " << r;
  }
}

TEST(MLPipelineTest, ImputerNormalizerLinearRegressor) {
  auto model = NewModel();
  auto* g = model.mutable_graph();
  AddTensorValue(g->mutable_input(), "X", DataType::kFloat);
  auto* imputer = AddNode(g, "Imputer", {"X"}, {"filled"});
  SetAttr(imputer, "imputed_value_floats", Floats{2, 3});
  SetAttr(imputer, "replaced_value_float", std::numeric_limits<float>::quiet_NaN());
  auto* norm = AddNode(g, "Normalizer", {"filled"}, {"normalized"});
  SetAttr(norm, "norm", std::string("L2"));
  auto* reg = AddNode(g, "LinearRegressor", {"normalized"}, {"Y"});
  SetAttr(reg, "coefficients", Floats{1, 1});
  AddTensorValue(g->mutable_output(), "Y", DataType::kFloat);

  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Filled rows (2, 4) and (3, 3); their unit vectors sum to 6/sqrt(20) and sqrt(2).
  auto outputs = RunPipeline(model, Tensor::FromVector<float>({nan, 4, 3, nan}, {2, 2}));
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(CompareTensors(Tensor::FromVector<float>({1.34164079f, 1.41421356f}, {2, 1}), outputs[0].Get(), {}), "");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
