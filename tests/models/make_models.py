#!/usr/bin/python3
"""Exports small PyTorch models with torch.onnx.export and writes one ONNX test directory per model.

Each directory holds model.onnx and test_data_set_K/{input,output}_N.pb, the outputs being what torch
itself computes, so `test_runner tests/models` checks ortlite against the exporter's framework on
the graphs a common exporter really produces (RNNs, NMS, If/Loop, vision backbones, transformers).

Run with Debian's python (torch 1.13, torchvision 0.14, onnx 1.12):
    /usr/bin/python3 tests/models/make_models.py [NAME...]
Directories are regenerated from scratch; every model is seeded with torch.manual_seed(0).
write_test(tolerance=...) would add a data.json with rtol/atol; none is needed today: every model
matches torch within test_runner's default rtol 1e-3 / atol 1e-7 (most within rtol 1e-5 / atol 1e-6).
"""
import io
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_MODEL_BYTES = 2 * 1024 * 1024


def _as_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _flatten(outputs):
    if isinstance(outputs, (tuple, list)):
        flat = []
        for o in outputs:
            flat.extend(_flatten(o))
        return flat
    return [outputs]


def write_test(name, model, example_inputs, input_names, output_names, datasets, opset,
               dynamic_axes=None, tolerance=None, must_contain=(), run=None):
    """Exports `model`, checks it, and writes test_data_set_K for each tuple of inputs in `datasets`.

    `run` computes the reference outputs (defaults to calling the model); `must_contain` lists op
    types the exported graph has to contain, so an exporter change cannot silently drop what the
    test is meant to cover.
    """
    out_dir = os.path.join(HERE, name)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)

    buffer = io.BytesIO()
    torch.onnx.export(model, example_inputs, buffer, opset_version=opset, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes or {},
                      do_constant_folding=True)
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto)
    op_types = _op_types(proto.graph)
    missing = [op for op in must_contain if op not in op_types]
    if missing:
        raise RuntimeError(f"{name}: exported graph lacks {missing}; has {sorted(op_types)}")
    data = proto.SerializeToString()
    if len(data) > MAX_MODEL_BYTES:
        raise RuntimeError(f"{name}: model is {len(data)} bytes, over the {MAX_MODEL_BYTES} limit")
    with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
        f.write(data)

    graph_inputs = [i.name for i in proto.graph.input]
    graph_outputs = [o.name for o in proto.graph.output]
    for k, inputs in enumerate(datasets):
        set_dir = os.path.join(out_dir, f"test_data_set_{k}")
        os.makedirs(set_dir)
        with torch.no_grad():
            outputs = _flatten(run(*inputs) if run else model(*inputs))
        # Inputs torch folded away (unused) do not appear in the graph: keep only the graph's.
        named_inputs = dict(zip(input_names, inputs))
        for n, input_name in enumerate(graph_inputs):
            tensor = numpy_helper.from_array(_as_numpy(named_inputs[input_name]), input_name)
            with open(os.path.join(set_dir, f"input_{n}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())
        if len(outputs) != len(graph_outputs):
            raise RuntimeError(f"{name}: torch gave {len(outputs)} outputs, graph has {len(graph_outputs)}")
        for n, (output_name, value) in enumerate(zip(graph_outputs, outputs)):
            tensor = numpy_helper.from_array(_as_numpy(value), output_name)
            with open(os.path.join(set_dir, f"output_{n}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())
    if tolerance:
        with open(os.path.join(out_dir, "data.json"), "w") as f:
            json.dump(tolerance, f, indent=2)
            f.write("\n")
    print(f"{name}: opset {opset}, {len(data)} bytes, {len(datasets)} data sets, ops: {' '.join(sorted(op_types))}")


def _op_types(graph):
    types = set()
    for node in graph.node:
        types.add(node.op_type)
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                types |= _op_types(attr.g)
            for g in attr.graphs:
                types |= _op_types(g)
    return types


# ---------------------------------------------------------------------------------------------
# (1) Recurrent: embeddings -> 2-layer bidirectional LSTM (batch_first) -> GRU -> linear, and a
# tanh RNN with explicit initial state.


class LstmGruTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(40, 12)
        self.lstm = nn.LSTM(12, 16, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(32, 12, batch_first=True)
        self.classifier = nn.Linear(12, 5)

    def forward(self, tokens):
        x = self.embedding(tokens)
        x, (h_lstm, c_lstm) = self.lstm(x)
        x, h_gru = self.gru(x)
        return self.classifier(x).log_softmax(-1), h_lstm, c_lstm, h_gru


def make_rnn_lstm_gru():
    torch.manual_seed(0)
    model = LstmGruTagger().eval()
    datasets = [(torch.randint(0, 40, (2, 7)),), (torch.randint(0, 40, (3, 4)),)]
    dynamic = {"tokens": {0: "batch", 1: "seq"}, "log_probs": {0: "batch", 1: "seq"},
               "h_lstm": {1: "batch"}, "c_lstm": {1: "batch"}, "h_gru": {1: "batch"}}
    write_test("rnn_lstm_gru", model, datasets[0], ["tokens"], ["log_probs", "h_lstm", "c_lstm", "h_gru"],
               datasets, opset=17, dynamic_axes=dynamic,
               must_contain=("LSTM", "GRU", "Gather"))


class StackedTanhRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(6, 10, num_layers=2, nonlinearity="tanh", bidirectional=True)
        self.gru = nn.GRU(20, 8, bidirectional=True)

    def forward(self, x, h0):
        y, h = self.rnn(x, h0)
        z, hg = self.gru(torch.relu(y))
        return z, h, hg


def make_rnn_tanh_gru_seq_first():
    torch.manual_seed(0)
    model = StackedTanhRnn().eval()
    datasets = [(torch.randn(5, 3, 6), torch.randn(4, 3, 10)), (torch.randn(2, 1, 6), torch.randn(4, 1, 10))]
    dynamic = {"x": {0: "seq", 1: "batch"}, "h0": {1: "batch"}, "y": {0: "seq", 1: "batch"},
               "h_rnn": {1: "batch"}, "h_gru": {1: "batch"}}
    write_test("rnn_tanh_gru_seq_first", model, datasets[0], ["x", "h0"], ["y", "h_rnn", "h_gru"], datasets,
               opset=14, dynamic_axes=dynamic,
               must_contain=("RNN", "GRU"))


class PackedLstmEncoder(nn.Module):
    """Variable-length batch through pack_padded_sequence: the export passes the lengths to the
    LSTM's sequence_lens input, so padded steps must be skipped (and zero in the output).
    The batch size is fixed: torch 1.13 bakes the traced batch into the zero initial states
    (a Constant [2, 3, 14] Expanded to [2, batch, 14]), so another batch size is not valid."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(30, 10)
        self.lstm = nn.LSTM(10, 14, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True)
        out, (h, c) = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return out, h, c


def make_rnn_packed_lstm():
    torch.manual_seed(0)
    model = PackedLstmEncoder().eval()
    datasets = [(torch.randint(0, 30, (3, 6)), torch.tensor([6, 4, 2])),
                (torch.randint(0, 30, (3, 5)), torch.tensor([5, 3, 1]))]
    dynamic = {"tokens": {0: "batch", 1: "seq"}, "lengths": {0: "batch"}, "out": {0: "batch", 1: "seq"},
               "h": {1: "batch"}, "c": {1: "batch"}}
    write_test("rnn_packed_lstm", model, datasets[0], ["tokens", "lengths"], ["out", "h", "c"], datasets,
               opset=17, dynamic_axes=dynamic, must_contain=("LSTM",))


# ---------------------------------------------------------------------------------------------
# (2) Detection: a tiny SSD-like head. Conv features -> per-anchor box deltas and class logits ->
# decode against fixed anchors -> best class per anchor -> TopK -> class-aware NMS -> gather.


def _anchors(feature_size, image_size, scales):
    step = image_size / feature_size
    boxes = []
    for y in range(feature_size):
        for x in range(feature_size):
            cx, cy = (x + 0.5) * step, (y + 0.5) * step
            for s in scales:
                boxes.append([cx, cy, s, s])
    return torch.tensor(boxes, dtype=torch.float32)


class TinySsd(nn.Module):
    def __init__(self, num_classes=3, scales=(6.0, 12.0)):
        super().__init__()
        self.num_anchors = len(scales)
        self.num_classes = num_classes
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.box_head = nn.Conv2d(16, self.num_anchors * 4, 3, padding=1)
        self.cls_head = nn.Conv2d(16, self.num_anchors * num_classes, 3, padding=1)
        self.register_buffer("anchors", _anchors(8, 32, scales))

    def forward(self, image):
        features = self.backbone(image)
        n = features.shape[0]
        deltas = self.box_head(features).permute(0, 2, 3, 1).reshape(n, -1, 4)[0]
        logits = self.cls_head(features).permute(0, 2, 3, 1).reshape(n, -1, self.num_classes)[0]
        centers = self.anchors[:, :2] + deltas[:, :2] * 0.1 * self.anchors[:, 2:]
        sizes = self.anchors[:, 2:] * torch.exp(deltas[:, 2:] * 0.2)
        boxes = torch.cat([centers - sizes / 2, centers + sizes / 2], dim=1)
        scores, labels = (logits * 6.0).sigmoid().max(dim=1)
        top_scores, top_index = scores.topk(48)
        top_boxes = boxes[top_index]
        top_labels = labels[top_index]
        keep = torchvision.ops.batched_nms(top_boxes, top_scores, top_labels, 0.3)
        keep = keep[:20]
        return top_boxes[keep], top_scores[keep], top_labels[keep]


def make_detection_ssd_nms():
    torch.manual_seed(0)
    model = TinySsd().eval()
    _randomise_batchnorm(model)
    datasets = [(torch.randn(1, 3, 32, 32),), (torch.rand(1, 3, 32, 32) * 2,)]
    write_test("detection_ssd_nms", model, datasets[0], ["image"], ["boxes", "scores", "labels"], datasets,
               opset=17,
               must_contain=("NonMaxSuppression", "TopK", "Gather", "Conv"))


class ScoreThenNms(nn.Module):
    """Scores a variable number of boxes with an MLP, drops low scores, then plain NMS."""

    def __init__(self):
        super().__init__()
        self.scorer = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, boxes):
        normalised = boxes / 64.0
        scores = (self.scorer(normalised).squeeze(1) * 20.0).sigmoid()
        wanted = scores > 0.4
        boxes, scores = boxes[wanted], scores[wanted]
        keep = torchvision.ops.nms(boxes, scores, 0.5)
        return keep, boxes[keep], scores[keep]


def _random_boxes(n, generator):
    xy = torch.rand(n, 2, generator=generator) * 40
    wh = torch.rand(n, 2, generator=generator) * 20 + 4
    return torch.cat([xy, xy + wh], dim=1)


def make_detection_score_nms():
    torch.manual_seed(0)
    model = ScoreThenNms().eval()
    g = torch.Generator().manual_seed(0)
    datasets = [(_random_boxes(60, g),), (_random_boxes(25, g),)]
    write_test("detection_score_nms", model, datasets[0], ["boxes"], ["keep", "kept_boxes", "kept_scores"],
               datasets, opset=13, dynamic_axes={"boxes": {0: "n"}},
               must_contain=("NonMaxSuppression", "NonZero"))


# ---------------------------------------------------------------------------------------------
# (3) Control flow: scripted modules whose data-dependent if and for/while loops export as If and
# Loop. Several data sets so each branch and different trip counts are exercised.


class BranchAndLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(8, 8)
        self.shrink = nn.Linear(8, 8)

    def forward(self, x, steps: torch.Tensor):
        if bool(x.sum() > 0):
            h = torch.tanh(self.step(x))
        else:
            h = -torch.relu(self.shrink(x))
        total = torch.zeros_like(h)
        for i in range(int(steps)):
            h = torch.tanh(self.step(h)) + 0.1 * i
            total = total + h
        # Halve until small: a while loop whose trip count depends on the data.
        scale = total.abs().max()
        n = 0
        while bool(scale > 1.0) and n < 10:
            total = total * 0.5
            scale = scale * 0.5
            n += 1
        return total, torch.tensor(n)


def make_control_if_loop():
    torch.manual_seed(0)
    model = torch.jit.script(BranchAndLoop().eval())
    datasets = [
        (torch.randn(3, 8) + 0.5, torch.tensor(4)),   # then-branch, 4 iterations
        (torch.randn(3, 8) - 0.5, torch.tensor(2)),   # else-branch
        (torch.randn(2, 8) + 0.5, torch.tensor(0)),   # zero-trip loop
        (torch.randn(5, 8) * 3.0, torch.tensor(9)),   # many halvings in the while loop
    ]
    write_test("control_if_loop", model, datasets[0], ["x", "steps"], ["total", "halvings"], datasets,
               opset=17, dynamic_axes={"x": {0: "rows"}},
               must_contain=("If", "Loop"))


class ScriptedGreedyDecoder(nn.Module):
    """Greedy decoding: a GRU cell stepping until an end token or a length cap (a Loop whose
    condition changes inside), collecting tokens; an If picks the start state."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 8)
        # nn.GRUCell (aten::gru_cell) has no ONNX export in torch 1.13: spell the cell out.
        self.input_gates = nn.Linear(8, 36)
        self.hidden_gates = nn.Linear(12, 36)
        self.project = nn.Linear(12, 10)

    def cell(self, x, h):
        xr, xz, xn = self.input_gates(x).chunk(3, dim=1)
        hr, hz, hn = self.hidden_gates(h).chunk(3, dim=1)
        r = torch.sigmoid(xr + hr)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        return (1 - z) * n + z * h

    def forward(self, context: torch.Tensor, max_len: int):
        if bool(context.mean() > 0):
            h = torch.tanh(context)
        else:
            h = torch.zeros_like(context)
        token = torch.zeros([context.shape[0]], dtype=torch.long)
        tokens = []
        for _ in range(max_len):
            h = self.cell(self.embedding(token), h)
            token = self.project(h).argmax(dim=1)
            tokens.append(token)
            if bool((token == 8).all()):
                break
        return torch.stack(tokens, dim=1), h


def make_control_greedy_decoder():
    torch.manual_seed(0)
    model = torch.jit.script(ScriptedGreedyDecoder().eval())
    datasets = [(torch.randn(2, 12) + 0.3, 6), (torch.randn(3, 12) - 0.3, 4)]
    # max_len is a Python int in scripting; pass it as a 0-d tensor input of the exported graph.
    export_sets = [(c, torch.tensor(m)) for c, m in datasets]

    def run(context, max_len):
        return model(context, int(max_len))

    write_test("control_greedy_decoder", model, export_sets[0], ["context", "max_len"], ["tokens", "h"],
               export_sets, opset=17, dynamic_axes={"context": {0: "batch"}}, must_contain=("If", "Loop"), run=run)


# ---------------------------------------------------------------------------------------------
# (4) Vision backbone slices with random BatchNorm statistics (so folding BN into Conv matters).


def _randomise_batchnorm(model):
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


class MobileNetSlice(nn.Module):
    """mobilenet_v3_small's first 8 blocks (depthwise convs, squeeze-excite, hardswish) + a head."""

    def __init__(self):
        super().__init__()
        net = torchvision.models.mobilenet_v3_small()
        self.features = net.features[:8]
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(48, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


def make_vision_mobilenet_v3_slice():
    torch.manual_seed(0)
    model = MobileNetSlice().eval()
    _randomise_batchnorm(model)
    datasets = [(torch.randn(1, 3, 64, 64),), (torch.randn(2, 3, 64, 64),)]
    write_test("vision_mobilenet_v3_slice", model, datasets[0], ["image"], ["logits"], datasets, opset=17,
               dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
               must_contain=("Conv", "HardSwish", "HardSigmoid", "GlobalAveragePool", "Mul"))


class ResNetSlice(nn.Module):
    """resnet18's stem and layer1 (residual adds, max pool), then a classifier head."""

    def __init__(self):
        super().__init__()
        net = torchvision.models.resnet18()
        self.stem = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)
        self.layer1 = net.layer1
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layer1(self.stem(x))), 1)).softmax(-1)


def make_vision_resnet18_slice():
    torch.manual_seed(0)
    model = ResNetSlice().eval()
    _randomise_batchnorm(model)
    datasets = [(torch.randn(1, 3, 48, 48),)]
    write_test("vision_resnet18_slice", model, datasets[0], ["image"], ["probs"], datasets, opset=11,
               must_contain=("Conv", "MaxPool", "Add", "Relu", "Softmax"))


# ---------------------------------------------------------------------------------------------
# (5) Transformer encoder layers.


class TinyEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.position = nn.Parameter(torch.randn(1, 16, 32) * 0.1)

    def forward(self, x, mask):
        x = x + self.position[:, : x.shape[1]]
        return self.encoder(x, mask=mask)


def _causal_mask(n):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)


def make_transformer_encoder():
    torch.manual_seed(0)
    model = TinyEncoder().eval()
    datasets = [(torch.randn(2, 10, 32), _causal_mask(10)), (torch.randn(1, 6, 32), _causal_mask(6))]
    write_test("transformer_encoder", model, datasets[0], ["x", "mask"], ["y"], datasets, opset=17,
               dynamic_axes={"x": {0: "batch", 1: "seq"}, "mask": {0: "seq", 1: "seq"},
                             "y": {0: "batch", 1: "seq"}},
               must_contain=("LayerNormalization", "MatMul", "Softmax", "Erf"))


class PreNormEncoderLayer(nn.Module):
    """A norm_first encoder layer with relu at opset 13 (LayerNormalization decomposed) and a key
    padding mask."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=24, nhead=3, dim_feedforward=48, dropout=0.0,
                                                batch_first=True, norm_first=True)

    def forward(self, x, padding):
        return self.layer(x, src_key_padding_mask=padding)


def make_transformer_prenorm_padding():
    torch.manual_seed(0)
    model = PreNormEncoderLayer().eval()
    padding = torch.tensor([[False] * 8, [False] * 5 + [True] * 3])
    datasets = [(torch.randn(2, 8, 24), padding)]
    write_test("transformer_prenorm_padding", model, datasets[0], ["x", "padding"], ["y"], datasets, opset=13,
               must_contain=("ReduceMean", "MatMul", "Softmax"))


MODELS = {
    "rnn_lstm_gru": make_rnn_lstm_gru,
    "rnn_tanh_gru_seq_first": make_rnn_tanh_gru_seq_first,
    "rnn_packed_lstm": make_rnn_packed_lstm,
    "detection_ssd_nms": make_detection_ssd_nms,
    "detection_score_nms": make_detection_score_nms,
    "control_if_loop": make_control_if_loop,
    "control_greedy_decoder": make_control_greedy_decoder,
    "vision_mobilenet_v3_slice": make_vision_mobilenet_v3_slice,
    "vision_resnet18_slice": make_vision_resnet18_slice,
    "transformer_encoder": make_transformer_encoder,
    "transformer_prenorm_padding": make_transformer_prenorm_padding,
}


def main(names):
    for name in names or MODELS:
        MODELS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
