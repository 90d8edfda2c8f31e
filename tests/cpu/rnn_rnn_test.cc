// RNN kernel tests. Expected values of the generated cases come from a float64 numpy evaluation
// of the ONNX equations (the same evaluation reproduces the ONNX conformance data).
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

std::vector<MLFloat16> ToHalf(const std::vector<float>& v) {
  std::vector<MLFloat16> out;
  for (float f : v) out.emplace_back(f);
  return out;
}

}  // namespace

TEST(RnnTest, ForwardWithBiasAndInitialState) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-0.9886929f, -0.99141175f, -0.9761895f, 0.49185166f, -0.927682f, 0.7821172f, -0.8818883f, 0.92455167f, 0.95960325f, 0.35753757f, 0.79128206f, 0.24508983f, -0.0571842f, 0.34187132f, -0.90781444f, 0.59709597f, -0.051060017f, 0.88605034f, 0.29575133f, -0.0015458132f, 0.9826045f, 0.9790769f, 0.9139381f, 0.8333902f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {-0.051060017f, 0.88605034f, 0.29575133f, -0.0015458132f, 0.9826045f, 0.9790769f, 0.9139381f, 0.8333902f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, Opset7OnlyY) {
  OpTester t("RNN", 7);
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-0.9939318f, -0.9034718f, -0.98871535f, 0.08062459f, -0.8738407f, 0.41745007f, -0.77270234f, 0.92395407f, 0.96154684f, 0.5231474f, 0.81936294f, 0.045723923f, -0.10963566f, 0.15170068f, -0.8746261f, 0.6590478f, -0.052846845f, 0.92230743f, 0.27836898f, -0.13317356f, 0.98338085f, 0.9734687f, 0.92281675f, 0.8502133f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, Opset1OnlyYh) {
  OpTester t("RNN", 1);
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddMissingOutput();
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.26995638f, 0.7291025f, 0.77826357f, -0.68050605f, 0.9875589f, 0.8142196f, 0.98494416f, 0.6969318f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ReverseWithSequenceLengths) {
  OpTester t("RNN", 14);
  t.AddAttribute("direction", "reverse");
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddInput<int32_t>("sequence_lens", {2}, {3, 1});
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-0.997641f, -0.61954886f, -0.99578875f, 0.059605192f, -0.927682f, 0.7821172f, -0.8818883f, 0.92455167f, 0.43088725f, 0.9001379f, 0.7139174f, 0.310114f, 0.f, 0.f, 0.f, 0.f, 0.78285384f, -0.14859164f, 0.68612677f, 0.20418903f, 0.f, 0.f, 0.f, 0.f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {-0.997641f, -0.61954886f, -0.99578875f, 0.059605192f, -0.927682f, 0.7821172f, -0.8818883f, 0.92455167f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ZeroLengthSequenceGivesZeros) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddMissingInput();
  t.AddInput<int32_t>("sequence_lens", {2}, {0, 2});
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {0.f, 0.f, 0.f, 0.f, -0.8646544f, 0.37204966f, -0.7674936f, 0.7966956f, 0.f, 0.f, 0.f, 0.f, 0.21691705f, -0.45467147f, -0.72787255f, 0.21591729f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.f, 0.f, 0.f, 0.f, 0.21691705f, -0.45467147f, -0.72787255f, 0.21591729f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, BidirectionalBatchMajorDouble) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Relu", "LeakyRelu"});
  t.AddAttribute("activation_alpha", std::vector<float>{0.3f});
  t.AddAttribute("clip", 1.5f);
  t.AddAttribute("direction", "bidirectional");
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddAttribute("layout", int64_t{1});
  t.AddInput<double>("X", {2, 3, 3}, {-1.690000057220459, 1.1200000047683716, -0.25, 0, -1.7100000381469727, -0.93000000715255737, -0.47999998927116394, -1.7400000095367432, -0.85000002384185791, 0.88999998569488525, 1.9099999666213989, 0.15000000596046448, -0, 0.72000002861022949, 1.2100000381469727, 1.6399999856948853, -1.1499999761581421, -0.18999999761581421});
  t.AddInput<double>("W", {2, 4, 3}, {-0.88999998569488525, -0.37999999523162842, 0.18999999761581421, -0.52999997138977051, 0.93000000715255737, 0.88999998569488525, 0.69999998807907104, -0.059999998658895493, 0.68000000715255737, -0.74000000953674316, -0.37999999523162842, -0.070000000298023224, 0.47999998927116394, -0.029999999329447746, -0.73000001907348633, -0.31000000238418579, -0.34999999403953552, -0.40000000596046448, -0.67000001668930054, -0.17000000178813934, -0.10000000149011612, 0.55000001192092896, 0.5899999737739563, 0.039999999105930328});
  t.AddInput<double>("R", {2, 4, 4}, {-0.079999998211860657, 0.56000000238418579, 0.76999998092651367, 0.34999999403953552, 0.60000002384185791, 0.87999999523162842, -0.92000001668930054, 0.75, -0.44999998807907104, -0.05000000074505806, 0.5899999737739563, 0.43000000715255737, -0.70999997854232788, 0.31999999284744263, -0.86000001430511475, -0.28999999165534973, 0.62999999523162842, -0.14000000059604645, 0.20000000298023224, 0.46000000834465027, 0.63999998569488525, 0.51999998092651367, -0.99000000953674316, -0.15999999642372131, -0.070000000298023224, -0.88999998569488525, 0.079999998211860657, 0.2199999988079071, 0.6600000262260437, 0.87999999523162842, -0.74000000953674316, -0.54000002145767212});
  t.AddInput<double>("B", {2, 8}, {0.31999999284744263, -0.74000000953674316, -0.55000001192092896, 0.15000000596046448, -0.6600000262260437, 0.56000000238418579, 0.70999997854232788, -0.93000000715255737, 0.070000000298023224, 0.5899999737739563, 0.94999998807907104, -0.44999998807907104, -0.6600000262260437, 0.75, 0.81999999284744263, -0.60000002384185791});
  t.AddInput<int32_t>("sequence_lens", {2}, {2, 3});
  t.AddInput<double>("initial_h", {2, 2, 4}, {-0.11999999731779099, 0.43999999761581421, 0.68999999761581421, -0.6600000262260437, 0.33000001311302185, 0.62000000476837158, 0.10000000149011612, -0.67000001668930054, -0.93000000715255737, -0.43999999761581421, 0.62000000476837158, -0.9100000262260437, -0.98000001907348633, -0.2800000011920929, -0.87000000476837158, -0.69999998807907104});
  t.AddOutput<double>("Y", {2, 3, 2, 4}, {1.2472999765396113, 0.72019995640516132, 0, 0, -0.39711011514624339, 0.97188436280982482, 1.4486535645957268, -0.272972561729937, 0.43662795523279785, 0, 0, 0, -0.0080700033182652259, 1.5, 1.439399993246794, -0.31346999720245489, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.185399916796386, 0, -0.18305737581618403, -0.0075965975285558216, 0.60585185375470174, 0.37537468170659105, 0.52905787686930728, 0.47593209801024328, 1.5, 0, -0.45000001788139343, 0.31263332803418042, 0.23820878811399848, -0.0020962267069321618, 0, 0, 1.5, 0, -0.21114002666182879, 1.5, 0.97989996450245398, -0.2116500004127623});
  t.AddOutput<double>("Y_h", {2, 2, 4}, {0.43662795523279785, 0, 0, 0, -0.39711011514624339, 0.97188436280982482, 1.4486535645957268, -0.272972561729937, 0, 0, 1.5, 0, -0.18305737581618403, -0.0075965975285558216, 0.60585185375470174, 0.37537468170659105});
  t.SetTolerance(1e-10, 1e-12);
  t.Run();
}

TEST(RnnTest, BidirectionalSharedActivationList) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Softsign"});
  t.AddAttribute("direction", "bidirectional");
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {2, 4, 3}, {-0.89f, -0.38f, 0.19f, -0.53f, 0.93f, 0.89f, 0.7f, -0.06f, 0.68f, -0.74f, -0.38f, -0.07f, 0.48f, -0.03f, -0.73f, -0.31f, -0.35f, -0.4f, -0.67f, -0.17f, -0.1f, 0.55f, 0.59f, 0.04f});
  t.AddInput<float>("R", {2, 4, 4}, {-0.08f, 0.56f, 0.77f, 0.35f, 0.6f, 0.88f, -0.92f, 0.75f, -0.45f, -0.05f, 0.59f, 0.43f, -0.71f, 0.32f, -0.86f, -0.29f, 0.63f, -0.14f, 0.2f, 0.46f, 0.64f, 0.52f, -0.99f, -0.16f, -0.07f, -0.89f, 0.08f, 0.22f, 0.66f, 0.88f, -0.74f, -0.54f});
  t.AddInput<float>("B", {2, 8}, {0.32f, -0.74f, -0.55f, 0.15f, -0.66f, 0.56f, 0.71f, -0.93f, 0.07f, 0.59f, 0.95f, -0.45f, -0.66f, 0.75f, 0.82f, -0.6f});
  t.AddOutput<float>("Y", {3, 2, 2, 4}, {0.40863395f, 0.6054916f, -0.5575613f, 0.05882358f, -0.6465682f, 0.5571498f, 0.43515587f, -0.68502945f, -0.6200569f, 0.56904167f, 0.673661f, -0.48898566f, -0.40114805f, -0.24216375f, 0.35673273f, 0.14714842f, 0.029833214f, -0.5580917f, -0.4702343f, 0.2313434f, 0.07006073f, 0.43011352f, 0.5380801f, -0.40352786f, -0.18129216f, 0.6671736f, 0.58911127f, -0.6301672f, -0.6030602f, 0.40463865f, 0.48466092f, -0.0013404436f, -0.009045712f, -0.68428344f, -0.44845265f, 0.30237797f, -0.47099864f, -0.7271445f, 0.5724152f, -0.64300156f, -0.12869215f, 0.7091163f, 0.71201473f, -0.7036686f, 0.27028602f, 0.5671183f, 0.46969295f, -0.45477346f});
  t.AddOutput<float>("Y_h", {2, 2, 4}, {-0.009045712f, -0.68428344f, -0.44845265f, 0.30237797f, -0.47099864f, -0.7271445f, 0.5724152f, -0.64300156f, -0.6200569f, 0.56904167f, 0.673661f, -0.48898566f, -0.40114805f, -0.24216375f, 0.35673273f, 0.14714842f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationAffine) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Affine"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddAttribute("activation_alpha", std::vector<float>{0.5f});
  t.AddAttribute("activation_beta", std::vector<float>{0.25f});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-1.0424501f, -1.11155f, -0.8547f, 0.51925f, -0.57075f, 0.7754f, -0.4421f, 1.05975f, 1.221018f, 0.4311735f, 0.8009853f, 0.3835447f, 0.05559648f, 0.47136647f, -0.5185905f, 0.6626608f, 0.14187126f, 0.91837186f, 0.38495404f, 0.31024566f, 1.3471856f, 1.5091474f, 0.97776306f, 0.8490688f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.14187126f, 0.91837186f, 0.38495404f, 0.31024566f, 1.3471856f, 1.5091474f, 0.97776306f, 0.8490688f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationScaledTanh) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"ScaledTanh"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddAttribute("activation_alpha", std::vector<float>{1.5f});
  t.AddAttribute("activation_beta", std::vector<float>{0.5f});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-1.2896503f, -1.3151281f, -1.2032714f, 0.3943902f, -1.0132167f, 0.7227855f, -0.8989941f, 1.0041785f, 1.197725f, 0.11126591f, 0.81834304f, 0.16162147f, -0.0038462218f, 0.22351806f, -0.96277994f, 0.5138113f, -0.141726f, 0.81459516f, 0.34839997f, 0.073001005f, 1.2405455f, 1.1955961f, 1.0131291f, 0.81311965f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {-0.141726f, 0.81459516f, 0.34839997f, 0.073001005f, 1.2405455f, 1.1955961f, 1.0131291f, 0.81311965f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationHardSigmoidDefaults) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"HardSigmoid"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {0.f, 0.f, 0.058119994f, 0.6077f, 0.17170002f, 0.71016f, 0.22316f, 0.8239f, 0.71260077f, 0.7593872f, 0.6300672f, 0.5534277f, 0.30265543f, 0.62888265f, 0.22241352f, 0.68308973f, 0.5226178f, 0.80840987f, 0.50241315f, 0.4931937f, 0.8703547f, 1.0f, 0.7698176f, 0.736696f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.5226178f, 0.80840987f, 0.50241315f, 0.4931937f, 0.8703547f, 1.0f, 0.7698176f, 0.736696f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationElu) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Elu"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddAttribute("activation_alpha", std::vector<float>{0.7f});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {-0.64721745f, -0.6540304f, -0.62316346f, 0.53849995f, -0.5644175f, 1.0508f, -0.5246331f, 1.6195f, 1.6385365f, 0.68465483f, 0.92895085f, 0.2606035f, -0.23292014f, 0.3766198f, -0.58602035f, 1.0085733f, -0.27320942f, 1.5109707f, 0.24260528f, 0.11968549f, 2.366727f, 2.3673668f, 1.3606387f, 1.2909274f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {-0.27320942f, 1.5109707f, 0.24260528f, 0.11968549f, 2.366727f, 2.3673668f, 1.3606387f, 1.2909274f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationThresholdedRelu) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"ThresholdedRelu"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddAttribute("activation_alpha", std::vector<float>{0.1f});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {0.f, 0.f, 0.f, 0.53849995f, 0.f, 1.0508f, 0.f, 1.6195f, 1.081575f, 1.2911551f, 0.6756351f, 0.24133995f, 0.f, 0.50752896f, 0.f, 1.141572f, 0.f, 1.9441074f, 0.f, 0.f, 2.0676708f, 2.660738f, 1.2453561f, 1.3407341f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.f, 1.9441074f, 0.f, 0.f, 2.0676708f, 2.660738f, 1.2453561f, 1.3407341f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationSoftplus) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Softplus"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {0.072696045f, 0.06360451f, 0.10414962f, 0.99821526f, 0.17704877f, 1.3506511f, 0.22356278f, 1.8001516f, 1.3040278f, 1.463993f, 0.98358214f, 0.93793404f, 0.2996425f, 1.1149182f, 0.13196626f, 1.4480222f, 0.528815f, 2.0482016f, 0.52941835f, 0.74808544f, 1.9780011f, 3.0017138f, 1.2527194f, 1.6204038f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.528815f, 2.0482016f, 0.52941835f, 0.74808544f, 1.9780011f, 3.0017138f, 1.2527194f, 1.6204038f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, ActivationSigmoid) {
  OpTester t("RNN", 14);
  t.AddAttribute("activations", std::vector<std::string>{"Sigmoid"});
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<float>("X", {3, 2, 3}, {-1.69f, 1.12f, -0.25f, 0.89f, 1.91f, 0.15f, 0.f, -1.71f, -0.93f, 0.f, 0.72f, 1.21f, -0.48f, -1.74f, -0.85f, 1.64f, -1.15f, -0.19f});
  t.AddInput<float>("W", {1, 4, 3}, {0.86f, -0.95f, 0.2f, 0.9f, -0.54f, 0.1f, 0.82f, -0.73f, 0.05f, 0.5f, 0.34f, -0.06f});
  t.AddInput<float>("R", {1, 4, 4}, {-0.59f, -0.02f, -0.26f, -0.05f, -0.27f, 0.68f, 0.54f, -0.37f, 0.15f, -0.45f, -0.09f, -0.29f, 0.31f, -0.26f, -0.08f, 0.44f});
  t.AddInput<float>("B", {1, 8}, {-0.17f, 0.81f, -0.64f, 0.48f, -0.16f, -0.15f, 0.27f, 0.05f});
  t.AddMissingInput();
  t.AddInput<float>("initial_h", {1, 2, 4}, {-0.17f, -1.0f, -0.82f, 0.42f, 0.05f, 0.39f, 0.91f, 0.37f});
  t.AddOutput<float>("Y", {3, 1, 2, 4}, {0.07011657f, 0.061623957f, 0.098909535f, 0.6314634f, 0.16226107f, 0.7409285f, 0.20033531f, 0.83472615f, 0.73274785f, 0.79135996f, 0.6508007f, 0.56955725f, 0.27361143f, 0.6573604f, 0.1971379f, 0.7132277f, 0.5235739f, 0.8268663f, 0.49853915f, 0.49233544f, 0.86685175f, 0.9504376f, 0.7900872f, 0.76537097f});
  t.AddOutput<float>("Y_h", {1, 2, 4}, {0.5235739f, 0.8268663f, 0.49853915f, 0.49233544f, 0.86685175f, 0.9504376f, 0.7900872f, 0.76537097f});
  t.SetTolerance(0.0001, 1e-05);
  t.Run();
}

TEST(RnnTest, Float16) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{4});
  t.AddInput<MLFloat16>("X", {3, 2, 3}, ToHalf({-1.6904297f, 1.1201172f, -0.25f, 0.8901367f, 1.9101562f, 0.15002441f, 0.f, -1.7099609f, -0.9301758f, 0.f, 0.72021484f, 1.2099609f, -0.47998047f, -1.7402344f, -0.85009766f, 1.6396484f, -1.1503906f, -0.1899414f}));
  t.AddInput<MLFloat16>("W", {1, 4, 3}, ToHalf({0.8598633f, -0.9501953f, 0.19995117f, 0.89990234f, -0.54003906f, 0.099975586f, 0.8198242f, -0.72998047f, 0.049987793f, 0.5f, 0.3400879f, -0.05999756f}));
  t.AddInput<MLFloat16>("R", {1, 4, 4}, ToHalf({-0.58984375f, -0.020004272f, -0.26000977f, -0.049987793f, -0.27001953f, 0.6801758f, 0.54003906f, -0.3701172f, 0.15002441f, -0.44995117f, -0.090026855f, -0.29003906f, 0.3100586f, -0.26000977f, -0.08001709f, 0.4399414f}));
  t.AddOutput<MLFloat16>("Y", {3, 1, 2, 4}, ToHalf({-0.9883031f, -0.9732854f, -0.97649884f, -0.42130464f, -0.769715f, -0.21224788f, -0.57644475f, 0.795299f, 0.9807241f, 0.0638046f, 0.9355973f, -0.595606f, 0.12530966f, -0.6696796f, -0.58102363f, 0.3669395f, 0.27070573f, 0.7292656f, 0.77839565f, -0.68059546f, 0.98756814f, 0.81403255f, 0.98493534f, 0.69671416f}));
  t.AddOutput<MLFloat16>("Y_h", {1, 2, 4}, ToHalf({0.27070573f, 0.7292656f, 0.77839565f, -0.68059546f, 0.98756814f, 0.81403255f, 0.98493534f, 0.69671416f}));
  t.SetTolerance(0.01, 0.01);
  t.Run();
}

TEST(RnnTest, EmptyBatch) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{2});
  t.AddInput<float>("X", {3, 0, 2}, {});
  t.AddInput<float>("W", {1, 2, 2}, {1.f, 2.f, 3.f, 4.f});
  t.AddInput<float>("R", {1, 2, 2}, {1.f, 0.f, 0.f, 1.f});
  t.AddOutput<float>("Y", {3, 1, 0, 2}, {});
  t.AddOutput<float>("Y_h", {1, 0, 2}, {});
  t.Run();
}

TEST(RnnTest, EmptySequenceKeepsZeroState) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{2});
  t.AddInput<float>("X", {0, 1, 2}, {});
  t.AddInput<float>("W", {1, 2, 2}, {1.f, 2.f, 3.f, 4.f});
  t.AddInput<float>("R", {1, 2, 2}, {1.f, 0.f, 0.f, 1.f});
  t.AddOutput<float>("Y", {0, 1, 1, 2}, {});
  t.AddOutput<float>("Y_h", {1, 1, 2}, {0.f, 0.f});
  t.Run();
}

TEST(RnnTest, ZeroInputSize) {
  // With no input features only the biases and the recurrence drive the state.
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{1});
  t.AddAttribute("activations", std::vector<std::string>{"Relu"});
  t.AddInput<float>("X", {2, 1, 0}, {});
  t.AddInput<float>("W", {1, 1, 0}, {});
  t.AddInput<float>("R", {1, 1, 1}, {2.f});
  t.AddInput<float>("B", {1, 2}, {1.f, 0.5f});
  t.AddOutput<float>("Y", {2, 1, 1, 1}, {1.5f, 4.5f});
  t.Run();
}

TEST(RnnTest, WrongWeightShapeFails) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{2});
  t.AddInput<float>("X", {1, 1, 2}, {1.f, 2.f});
  t.AddInput<float>("W", {1, 3, 2}, {1.f, 2.f, 3.f, 4.f, 5.f, 6.f});
  t.AddInput<float>("R", {1, 2, 2}, {1.f, 0.f, 0.f, 1.f});
  t.AddOutput<float>("Y_h", {1, 1, 2}, {0.f, 0.f});
  t.RunExpectFailure("W");
}

TEST(RnnTest, SequenceLengthOutOfRangeFails) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{1});
  t.AddInput<float>("X", {2, 1, 1}, {1.f, 2.f});
  t.AddInput<float>("W", {1, 1, 1}, {1.f});
  t.AddInput<float>("R", {1, 1, 1}, {1.f});
  t.AddMissingInput();
  t.AddInput<int32_t>("sequence_lens", {1}, {3});
  t.AddOutput<float>("Y_h", {1, 1, 1}, {0.f});
  t.RunExpectFailure("sequence_lens");
}

TEST(RnnTest, UnknownActivationFails) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{1});
  t.AddAttribute("activations", std::vector<std::string>{"Gelu"});
  t.AddInput<float>("X", {1, 1, 1}, {1.f});
  t.AddInput<float>("W", {1, 1, 1}, {1.f});
  t.AddInput<float>("R", {1, 1, 1}, {1.f});
  t.AddOutput<float>("Y_h", {1, 1, 1}, {0.f});
  t.RunExpectFailure("Gelu");
}

TEST(RnnTest, BadDirectionFails) {
  OpTester t("RNN", 14);
  t.AddAttribute("hidden_size", int64_t{1});
  t.AddAttribute("direction", "sideways");
  t.AddInput<float>("X", {1, 1, 1}, {1.f});
  t.AddInput<float>("W", {1, 1, 1}, {1.f});
  t.AddInput<float>("R", {1, 1, 1}, {1.f});
  t.AddOutput<float>("Y_h", {1, 1, 1}, {0.f});
  t.RunExpectFailure("sideways");
}

}  // namespace test
}  // namespace ortlite
