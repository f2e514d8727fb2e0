#!/usr/bin/env python3
"""A SlowFast network in PyTorch with PySlowFast's module layout and state-dict
names, for side-by-side benchmarks against torch.onnx.export.

It builds the network, seeds its weights, writes them as a .safetensors file
under PySlowFast's names (so `sfc compile --weights FILE --weight-names
pyslowfast` builds the same function), times torch.onnx.export, and prints one
JSON line. Only bench/ uses it; the test suite never needs PyTorch.

    /usr/bin/python3 bench/torch_slowfast.py --out DIR [--T 4 --alpha 8 --S 224]
"""
import argparse
import json
import os
import struct
import time

import torch
from torch import nn


class Stem(nn.Module):
    def __init__(self, cin, cout, kt):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, (kt, 7, 7), stride=(1, 2, 2), padding=(kt // 2, 3, 3), bias=False)
        self.bn = nn.BatchNorm3d(cout, eps=1e-5)
        self.pool = nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))

    def forward(self, x):
        return self.pool(torch.relu(self.bn(self.conv(x))))


class Branch2(nn.Module):
    def __init__(self, cin, inner, cout, kt, stride):
        super().__init__()
        self.a = nn.Conv3d(cin, inner, (kt, 1, 1), padding=(kt // 2, 0, 0), bias=False)
        self.a_bn = nn.BatchNorm3d(inner, eps=1e-5)
        self.b = nn.Conv3d(inner, inner, (1, 3, 3), stride=(1, stride, stride), padding=(0, 1, 1), bias=False)
        self.b_bn = nn.BatchNorm3d(inner, eps=1e-5)
        self.c = nn.Conv3d(inner, cout, 1, bias=False)
        self.c_bn = nn.BatchNorm3d(cout, eps=1e-5)

    def forward(self, x):
        x = torch.relu(self.a_bn(self.a(x)))
        x = torch.relu(self.b_bn(self.b(x)))
        return self.c_bn(self.c(x))


class ResBlock(nn.Module):
    def __init__(self, cin, inner, cout, kt, stride):
        super().__init__()
        self.project = cin != cout or stride != 1
        if self.project:
            self.branch1 = nn.Conv3d(cin, cout, 1, stride=(1, stride, stride), bias=False)
            self.branch1_bn = nn.BatchNorm3d(cout, eps=1e-5)
        self.branch2 = Branch2(cin, inner, cout, kt, stride)

    def forward(self, x):
        shortcut = self.branch1_bn(self.branch1(x)) if self.project else x
        return torch.relu(shortcut + self.branch2(x))


class FuseFastToSlow(nn.Module):
    def __init__(self, cin, ratio, k, alpha):
        super().__init__()
        self.conv_f2s = nn.Conv3d(cin, cin * ratio, (k, 1, 1), stride=(alpha, 1, 1), padding=(k // 2, 0, 0), bias=False)
        self.bn = nn.BatchNorm3d(cin * ratio, eps=1e-5)

    def forward(self, slow, fast):
        return torch.cat([slow, torch.relu(self.bn(self.conv_f2s(fast)))], 1), fast


class SlowFast(nn.Module):
    """PySlowFast's SlowFast ResNet-50 (Table 1 of the paper), single-clip input:
    the Slow pathway takes every α-th frame of the Fast clip, as sfc's
    `sampling: "stride"` does. Returns logits (no softmax)."""

    def __init__(self, T=4, alpha=8, beta_inv=8, C=64, classes=400, fusion_k=5, ratio=2, S=224, depths=(3, 4, 6, 3)):
        super().__init__()
        self.alpha = alpha
        cf = C // beta_inv
        temporal = {"slow": [1, 1, 1, 3, 3], "fast": [5, 3, 3, 3, 3]}
        self.s1 = nn.Module()
        self.s1.pathway0_stem = Stem(3, C, temporal["slow"][0])
        self.s1.pathway1_stem = Stem(3, cf, temporal["fast"][0])
        self.s1_fuse = FuseFastToSlow(cf, ratio, fusion_k, alpha)
        slow_in, fast_in = C + cf * ratio, cf
        for stage, depth in zip(range(2, 6), depths):
            width = 2 ** (stage - 2)
            stride = 1 if stage == 2 else 2
            mod = nn.Module()
            for p, (cin, base) in enumerate([(slow_in, C), (fast_in, cf)]):
                kt = temporal["slow" if p == 0 else "fast"][stage - 1]
                for i in range(depth):
                    block = ResBlock(cin if i == 0 else 4 * base * width, base * width, 4 * base * width, kt, stride if i == 0 else 1)
                    setattr(mod, f"pathway{p}_res{i}", block)
            setattr(self, f"s{stage}", mod)
            slow_out, fast_out = 4 * C * width, 4 * cf * width
            if stage < 5:
                setattr(self, f"s{stage}_fuse", FuseFastToSlow(fast_out, ratio, fusion_k, alpha))
                slow_in, fast_in = slow_out + fast_out * ratio, fast_out
            if stage == 2:
                # PySlowFast's identity pools after res2 (kernel 1), kept as its export has them.
                self.pathway0_pool = nn.MaxPool3d(1, 1)
                self.pathway1_pool = nn.MaxPool3d(1, 1)
        self.depths = depths
        self.head = nn.Module()
        self.head.projection = nn.Linear(32 * C + 32 * cf, classes)
        self.head.dropout = nn.Dropout(0.5)
        self.head_pools = (
            nn.AvgPool3d((T, S // 32, S // 32), stride=1),
            nn.AvgPool3d((alpha * T, S // 32, S // 32), stride=1),
        )

    def forward(self, clip):
        slow, fast = clip[:, :, :: self.alpha], clip
        slow, fast = self.s1.pathway0_stem(slow), self.s1.pathway1_stem(fast)
        slow, fast = self.s1_fuse(slow, fast)
        for stage, depth in zip(range(2, 6), self.depths):
            mod = getattr(self, f"s{stage}")
            for i in range(depth):
                slow = getattr(mod, f"pathway0_res{i}")(slow)
                fast = getattr(mod, f"pathway1_res{i}")(fast)
            if stage == 2:
                slow, fast = self.pathway0_pool(slow), self.pathway1_pool(fast)
            if stage < 5:
                slow, fast = getattr(self, f"s{stage}_fuse")(slow, fast)
        pooled = torch.cat([self.head_pools[0](slow), self.head_pools[1](fast)], 1)
        x = self.head.dropout(pooled.permute(0, 2, 3, 4, 1))
        x = self.head.projection(x)
        return x.mean([1, 2, 3]).view(x.shape[0], -1)


def seed_weights(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=g) * 0.5 + 0.75)
            elif name.endswith("running_mean") or name.endswith("bn.bias") or name.endswith("_bn.bias"):
                t.copy_(torch.randn(t.shape, generator=g) * 0.05)
            elif t.dim() >= 2:
                fan_out = t.shape[0] * (t[0, 0].numel() if t.dim() > 2 else 1)
                t.copy_(torch.randn(t.shape, generator=g) * (2.0 / fan_out) ** 0.5)
            else:
                t.copy_(1.0 + torch.randn(t.shape, generator=g) * 0.05)


def write_safetensors(state, path):
    header, chunks, offset = {}, [], 0
    for name, t in state.items():
        if name.endswith("num_batches_tracked"):
            continue
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for c in chunks:
            f.write(c)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--T", type=int, default=4)
    ap.add_argument("--alpha", type=int, default=8)
    ap.add_argument("--fusion-k", type=int, default=5)
    ap.add_argument("--S", type=int, default=224)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    model = SlowFast(T=args.T, alpha=args.alpha, fusion_k=args.fusion_k, S=args.S).eval()
    seed_weights(model, args.seed)
    weights = os.path.join(args.out, "torch_weights.safetensors")
    write_safetensors(model.state_dict(), weights)
    onnx_file = os.path.join(args.out, "torch_export.onnx")
    clip = torch.zeros(1, 3, args.alpha * args.T, args.S, args.S)
    t0 = time.perf_counter()
    torch.onnx.export(
        model, (clip,), onnx_file, opset_version=args.opset, input_names=["clip"], output_names=["logits"],
        dynamic_axes={"clip": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True,
    )
    export_ms = (time.perf_counter() - t0) * 1e3
    print(json.dumps({"exportMs": export_ms, "onnx": onnx_file, "weights": weights, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
