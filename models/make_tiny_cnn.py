#!/usr/bin/python3
"""Exports models/tiny_cnn: a small image classifier (conv/bn/relu/pool/linear/softmax) with one
test data set whose output torch computed. Run with Debian's python3 (python3-torch, python3-onnx).
The model is small enough to keep in the repository (~30 KB)."""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

torch.manual_seed(0)


class TinyCnn(torch.nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 3, padding=1, stride=2), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 16, 3, padding=1, groups=16), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(1))
        self.classifier = torch.nn.Linear(16, classes)

    def forward(self, x):
        return torch.softmax(self.classifier(torch.flatten(self.features(x), 1)), dim=1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "tiny_cnn")
    data_dir = os.path.join(out_dir, "test_data_set_0")
    os.makedirs(data_dir, exist_ok=True)
    model = TinyCnn().eval()
    # Non-trivial batch-norm statistics.
    with torch.no_grad():
        bn = model.features[1]
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 1.5)
    x = torch.rand(1, 3, 32, 32)
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(model, x, path, opset_version=17, input_names=["image"], output_names=["probabilities"],
                      do_constant_folding=True)
    m = onnx.load(path)
    m.producer_name = "ortlite models/make_tiny_cnn.py"
    m.doc_string = "Tiny CNN image classifier bundled with ortlite"
    onnx.save(m, path)
    with torch.no_grad():
        y = model(x)
    onnx.save_tensor(numpy_helper.from_array(x.numpy(), "image"), os.path.join(data_dir, "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y.numpy(), "probabilities"), os.path.join(data_dir, "output_0.pb"))
    print("wrote", path, "top class", int(np.argmax(y.numpy())))


if __name__ == "__main__":
    main()
