#!/usr/bin/python3
"""Exports the benchmark models into a cache folder (not committed):
torchvision resnet50, mobilenet_v2, squeezenet1_1 (1x3x224x224) and a MiniLM-like encoder
(token + position embedding, LayerNorm, 6-layer TransformerEncoder, d_model 384, 12 heads,
FFN 1536, GELU, batch_first; inputs input_ids and attention_mask of 1x128 int64).
Random weights after torch.manual_seed(0), opset 17, batch 1, constant folding on.
usage: /usr/bin/python3 bench/export_models.py [OUT_DIR]   (default: bench/cache)"""
import os
import sys

import torch
import torchvision


class MiniLMEncoder(torch.nn.Module):
    def __init__(self, vocab=30522, d_model=384, heads=12, ffn=1536, layers=6, max_len=512):
        super().__init__()
        self.tok = torch.nn.Embedding(vocab, d_model)
        self.pos = torch.nn.Embedding(max_len, d_model)
        self.norm = torch.nn.LayerNorm(d_model)
        layer = torch.nn.TransformerEncoderLayer(d_model, heads, ffn, dropout=0.0, activation="gelu",
                                                 batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, layers)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        h = self.norm(self.tok(input_ids) + self.pos(positions))
        return self.encoder(h, src_key_padding_mask=attention_mask == 0)


def export(model, args, path, input_names, output_names):
    # Gradients stay enabled: with them off, TransformerEncoder takes a nested-tensor fast path
    # that torch 1.13 cannot export.
    model.eval()
    torch.onnx.export(model, args, path, opset_version=17, do_constant_folding=True,
                      input_names=input_names, output_names=output_names)
    print("wrote", path, os.path.getsize(path) // 1024, "KB")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "cache")
    os.makedirs(out, exist_ok=True)
    image = torch.rand(1, 3, 224, 224)
    for name in ["resnet50", "mobilenet_v2", "squeezenet1_1"]:
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path):
            continue
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)()
        export(model, (image,), path, ["input"], ["output"])
    path = os.path.join(out, "encoder_l6_h384.onnx")
    if not os.path.exists(path):
        torch.manual_seed(0)
        ids = torch.randint(0, 30522, (1, 128))
        mask = torch.ones(1, 128, dtype=torch.int64)
        export(MiniLMEncoder(), (ids, mask), path, ["input_ids", "attention_mask"], ["last_hidden_state"])


if __name__ == "__main__":
    main()
