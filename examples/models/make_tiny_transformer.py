#!/usr/bin/python3
"""Exports examples/models/tiny_transformer: a two-layer transformer encoder (token + position
embeddings, masked self-attention, GELU feed-forward, LayerNorm) with int64 `input_ids` and
`attention_mask` inputs and two outputs: `last_hidden_state` [batch, sequence, 32] and
`pooled_output` [batch, 32] (mask-weighted mean). The model carries metadata (description,
graph name, version, custom metadata_props) that examples/transformer_encoder.cc prints, and one
test data set whose outputs torch computed.

Run with Debian's python3 (python3-torch, python3-onnx): /usr/bin/python3 make_tiny_transformer.py
The model is ~115 KB and is kept in the repository."""
import math
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

VOCAB = 128
HIDDEN = 32
HEADS = 4
FFN = 64
LAYERS = 2
MAX_POSITIONS = 64


class EncoderLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(HIDDEN, 3 * HIDDEN)
        self.proj = torch.nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = torch.nn.LayerNorm(HIDDEN)
        self.ff1 = torch.nn.Linear(HIDDEN, FFN)
        self.ff2 = torch.nn.Linear(FFN, HIDDEN)
        self.norm2 = torch.nn.LayerNorm(HIDDEN)

    def forward(self, x, mask_bias):
        b, s, _ = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)

        def heads(t):
            return t.reshape(b, s, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(HIDDEN // HEADS) + mask_bias
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.norm1(x + self.proj(ctx))
        return self.norm2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


class TinyEncoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = torch.nn.Embedding(VOCAB, HIDDEN)
        self.positions = torch.nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.layers = torch.nn.ModuleList([EncoderLayer() for _ in range(LAYERS)])

    def forward(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        pos = torch.arange(s, dtype=torch.int64).unsqueeze(0)
        x = self.tokens(input_ids) + self.positions(pos)
        mask = attention_mask.to(torch.float32)
        mask_bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask_bias)
        pooled = (x * mask[:, :, None]).sum(dim=1) / mask.sum(dim=1, keepdim=True)
        return x, pooled


def main():
    torch.manual_seed(0)
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "tiny_transformer")
    data_dir = os.path.join(out_dir, "test_data_set_0")
    os.makedirs(data_dir, exist_ok=True)
    model = TinyEncoder().eval()
    input_ids = torch.randint(1, VOCAB, (2, 8), dtype=torch.int64)
    attention_mask = torch.ones(2, 8, dtype=torch.int64)
    attention_mask[1, 5:] = 0  # the second sequence is padded
    input_ids[1, 5:] = 0
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(model, (input_ids, attention_mask), path, opset_version=17,
                      input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state", "pooled_output"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "attention_mask": {0: "batch", 1: "sequence"},
                                    "last_hidden_state": {0: "batch", 1: "sequence"},
                                    "pooled_output": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(path)
    m.producer_name = "ortlite examples/models/make_tiny_transformer.py"
    m.producer_version = torch.__version__
    m.domain = "ai.ortlite.examples"
    m.model_version = 3
    m.doc_string = "Tiny transformer encoder (2 layers, hidden 32, 4 heads) for the ortlite examples"
    m.graph.name = "tiny_transformer_encoder"
    m.graph.doc_string = "token+position embeddings, masked self-attention, GELU feed-forward"
    for key, value in [("author", "ortlite examples"), ("task", "feature-extraction"),
                       ("vocab_size", str(VOCAB)), ("hidden_size", str(HIDDEN)),
                       ("num_layers", str(LAYERS)), ("num_heads", str(HEADS)), ("license", "MIT")]:
        prop = m.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.checker.check_model(m)
    onnx.save(m, path)
    with torch.no_grad():
        hidden, pooled = model(input_ids, attention_mask)
    for i, (name, t) in enumerate([("input_ids", input_ids), ("attention_mask", attention_mask)]):
        onnx.save_tensor(numpy_helper.from_array(t.numpy(), name), os.path.join(data_dir, "input_%d.pb" % i))
    for i, (name, t) in enumerate([("last_hidden_state", hidden), ("pooled_output", pooled)]):
        onnx.save_tensor(numpy_helper.from_array(t.numpy(), name), os.path.join(data_dir, "output_%d.pb" % i))
    print("wrote", path, os.path.getsize(path), "bytes; ops:", sorted({n.op_type for n in m.graph.node}))


if __name__ == "__main__":
    main()
