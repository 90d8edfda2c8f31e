#include "providers/cpu/rnn/rnn_helpers.h"

#include <cctype>

namespace ortlite {
namespace rnn {

namespace {

struct ActivationInfo {
  const char* name;
  ActivationKind kind;
  bool uses_alpha;
  bool uses_beta;
  float default_alpha;
  float default_beta;
};

// Defaults follow the standalone ONNX operators of the same name (Affine and ScaledTanh come from
// the retired experimental operators, whose defaults were alpha = 1, beta = 0 and 1).
const ActivationInfo kActivations[] = {
    {"relu", ActivationKind::kRelu, false, false, 0.f, 0.f},
    {"tanh", ActivationKind::kTanh, false, false, 0.f, 0.f},
    {"sigmoid", ActivationKind::kSigmoid, false, false, 0.f, 0.f},
    {"affine", ActivationKind::kAffine, true, true, 1.f, 0.f},
    {"leakyrelu", ActivationKind::kLeakyRelu, true, false, 0.01f, 0.f},
    {"thresholdedrelu", ActivationKind::kThresholdedRelu, true, false, 1.f, 0.f},
    {"scaledtanh", ActivationKind::kScaledTanh, true, true, 1.f, 1.f},
    {"hardsigmoid", ActivationKind::kHardSigmoid, true, true, 0.2f, 0.5f},
    {"elu", ActivationKind::kElu, true, false, 1.f, 0.f},
    {"softsign", ActivationKind::kSoftsign, false, false, 0.f, 0.f},
    {"softplus", ActivationKind::kSoftplus, false, false, 0.f, 0.f},
};

const ActivationInfo& LookUpActivation(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& a : kActivations)
    if (lower == a.name) return a;
  ThrowError(ErrorCode::kInvalidArgument, "unsupported activation function '", name, "'");
}

void CheckSameType(const Tensor& x, const Tensor* t, const char* name) {
  if (t) {
    ORTLITE_CHECK_ARG(t->GetElementType() == x.GetElementType(), "input ", name, " has element type ",
                      DataTypeName(t->GetElementType()), " but X has ", DataTypeName(x.GetElementType()));
  }
}

void CheckShape(const Tensor* t, const char* name, const std::vector<int64_t>& expected) {
  if (!t) return;
  ORTLITE_CHECK_ARG(t->Shape() == TensorShape(expected), "input ", name, " has shape ", t->Shape().ToString(),
                    ", expected ", TensorShape(expected).ToString());
}

}  // namespace

RnnAttributes ParseRnnAttributes(const OpKernelInfo& info, const std::vector<std::string>& default_activations) {
  RnnAttributes a;
  const std::string direction = info.GetAttrOrDefault<std::string>("direction", "forward");
  if (direction == "forward") {
    a.direction = Direction::kForward;
  } else if (direction == "reverse") {
    a.direction = Direction::kReverse;
  } else if (direction == "bidirectional") {
    a.direction = Direction::kBidirectional;
  } else {
    ThrowError(ErrorCode::kInvalidArgument, "invalid direction '", direction, "'");
  }
  a.num_directions = a.direction == Direction::kBidirectional ? 2 : 1;
  if (info.HasAttr("hidden_size")) {
    a.hidden_size = info.GetAttr<int64_t>("hidden_size");
    ORTLITE_CHECK_ARG(a.hidden_size >= 0, "hidden_size must be non-negative, got ", a.hidden_size);
  }
  a.layout = info.GetAttrOrDefault<int64_t>("layout", 0);
  ORTLITE_CHECK_ARG(a.layout == 0 || a.layout == 1, "layout must be 0 or 1, got ", a.layout);
  if (info.HasAttr("clip")) {
    a.has_clip = true;
    a.clip = info.GetAttr<float>("clip");
    ORTLITE_CHECK_ARG(a.clip > 0.f, "clip must be positive, got ", a.clip);
  }

  const size_t per_direction = default_activations.size();
  std::vector<std::string> names = info.GetAttrOrDefault<std::vector<std::string>>("activations", {});
  if (names.empty()) {
    for (int64_t d = 0; d < a.num_directions; ++d) names.insert(names.end(), default_activations.begin(), default_activations.end());
  } else if (names.size() == per_direction && a.num_directions == 2) {
    // One set given for a bidirectional node: both directions use it.
    const std::vector<std::string> forward = names;
    names.insert(names.end(), forward.begin(), forward.end());
  }
  ORTLITE_CHECK_ARG(names.size() == per_direction * static_cast<size_t>(a.num_directions), "expected ",
                    per_direction * a.num_directions, " activations, got ", names.size());

  // alpha and beta values are consumed in order by the activations that take them.
  const std::vector<float> alphas = info.GetAttrOrDefault<std::vector<float>>("activation_alpha", {});
  const std::vector<float> betas = info.GetAttrOrDefault<std::vector<float>>("activation_beta", {});
  size_t next_alpha = 0, next_beta = 0;
  for (const auto& name : names) {
    const ActivationInfo& ai = LookUpActivation(name);
    Activation act;
    act.kind = ai.kind;
    act.alpha = ai.default_alpha;
    act.beta = ai.default_beta;
    if (ai.uses_alpha && next_alpha < alphas.size()) act.alpha = alphas[next_alpha++];
    if (ai.uses_beta && next_beta < betas.size()) act.beta = betas[next_beta++];
    a.activations.push_back(act);
  }
  return a;
}

namespace detail {

bool OutputExists(const OpKernelContext& ctx, int i) {
  const auto& outs = ctx.node().OutputDefs();
  return i < ctx.OutputCount() && static_cast<size_t>(i) < outs.size() && outs[i]->Exists();
}

RnnDims ValidateInputs(const OpKernelContext& ctx, const RnnAttributes& a, const RecurrentOpSpec& spec,
                       std::vector<int32_t>& lengths) {
  const Tensor& x = ctx.RequiredInput(0);
  const Tensor& w = ctx.RequiredInput(1);
  const Tensor& r = ctx.RequiredInput(2);
  const Tensor* b = ctx.Input(3);
  const Tensor* seq_lens = ctx.Input(4);
  const Tensor* h0 = ctx.Input(5);
  const Tensor* c0 = spec.is_lstm ? ctx.Input(6) : nullptr;
  const Tensor* p = spec.is_lstm ? ctx.Input(7) : nullptr;

  ORTLITE_CHECK_ARG(x.Shape().NumDimensions() == 3, "X must have rank 3, got shape ", x.Shape().ToString());
  ORTLITE_CHECK_ARG(w.Shape().NumDimensions() == 3, "W must have rank 3, got shape ", w.Shape().ToString());
  ORTLITE_CHECK_ARG(r.Shape().NumDimensions() == 3, "R must have rank 3, got shape ", r.Shape().ToString());
  for (const auto& [t, name] : {std::pair{&w, "W"}, std::pair{&r, "R"}, std::pair{b, "B"}, std::pair{h0, "initial_h"},
                                std::pair{c0, "initial_c"}, std::pair{p, "P"}}) {
    CheckSameType(x, t, name);
  }

  RnnDims d;
  d.num_directions = a.num_directions;
  d.seq_length = a.layout == 0 ? x.Shape()[0] : x.Shape()[1];
  d.batch = a.layout == 0 ? x.Shape()[1] : x.Shape()[0];
  d.input_size = x.Shape()[2];
  d.hidden = a.hidden_size >= 0 ? a.hidden_size : r.Shape()[2];
  const int64_t D = d.num_directions, H = d.hidden, G = spec.gates, N = d.batch;

  CheckShape(&w, "W", {D, G * H, d.input_size});
  CheckShape(&r, "R", {D, G * H, H});
  CheckShape(b, "B", {D, 2 * G * H});
  const std::vector<int64_t> state = a.layout == 0 ? std::vector<int64_t>{D, N, H} : std::vector<int64_t>{N, D, H};
  CheckShape(h0, "initial_h", state);
  CheckShape(c0, "initial_c", state);
  CheckShape(p, "P", {D, 3 * H});

  lengths.assign(static_cast<size_t>(N), static_cast<int32_t>(d.seq_length));
  if (seq_lens) {
    ORTLITE_CHECK_ARG(seq_lens->GetElementType() == DataType::kInt32, "sequence_lens must be int32, got ",
                      DataTypeName(seq_lens->GetElementType()));
    CheckShape(seq_lens, "sequence_lens", {N});
    const int32_t* v = seq_lens->Data<int32_t>();
    for (int64_t i = 0; i < N; ++i) {
      ORTLITE_CHECK_ARG(v[i] >= 0 && v[i] <= d.seq_length, "sequence_lens[", i, "] = ", v[i],
                        " is outside [0, seq_length = ", d.seq_length, "]");
      lengths[i] = v[i];
    }
  }
  return d;
}

}  // namespace detail
}  // namespace rnn
}  // namespace ortlite
