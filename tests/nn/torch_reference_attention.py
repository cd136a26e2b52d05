# SPDX-License-Identifier: MIT
# Writes tests/nn/torch_reference_attention.h: PyTorch's values for
# MultiheadAttention and the transformer encoder in test_attention.cpp (run once
# by hand; the tests never run Python). Parameter p (named_parameters order)
# holds 0.5 sin(0.37 (i + 1) + 0.11 p); inputs are sin(a i + b); u = cos(0.3 i);
# LayerNorm weights are set like every other parameter.
import sys
import torch

from torch_common import Header, seq, set_params

out = Header("torch_reference_attention.py", "torch_attn")

emit = out.emit

# MHA, batch_first, 2 heads, E = 4: q (2, 3, 4), k = v (2, 5, 4); key padding hides the last key of batch 1;
# a float attn_mask (3, 5). Loss sum(u * out) + sum(weights).
mha = torch.nn.MultiheadAttention(4, 2, batch_first=True)
set_params(mha)
q = seq([2, 3, 4], 0.7, 0.3).requires_grad_()
kv = seq([2, 5, 4], 0.45, 0.1).requires_grad_()
pad = torch.tensor([[False] * 5, [False] * 4 + [True]])
am = seq([3, 5], 0.9, 0.2) * 0.5
y, w = mha(q, kv, kv, key_padding_mask=pad, attn_mask=am)
((seq(list(y.shape), 0.3, 0, True) * y).sum() + (w * seq(list(w.shape), 0.2, 0.4)).sum()).backward()
emit("mha_y", y); emit("mha_w", w); emit("mha_dq", q.grad); emit("mha_dkv", kv.grad)
emit("mha_dinw", mha.in_proj_weight.grad)

# self-attention, sequence-first, causal (bool mask, true = hidden), per-head weights
mha2 = torch.nn.MultiheadAttention(4, 2)
set_params(mha2)
x = seq([3, 2, 4], 0.7, 0.3)
causal = torch.triu(torch.ones(3, 3, dtype=torch.bool), 1)
y2, w2 = mha2(x, x, x, attn_mask=causal, average_attn_weights=False)
emit("causal_y", y2); emit("causal_w", w2)

# encoder layers, dropout 0 (eval has no effect then), post-norm and norm_first
def layer_case(name, norm_first, activation):
    m = torch.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, activation=activation,
                                         batch_first=True, norm_first=norm_first)
    set_params(m)
    x = seq([2, 3, 4], 0.7, 0.3).requires_grad_()
    y = m(x)
    (seq(list(y.shape), 0.3, 0, True) * y).sum().backward()
    emit(name + "_y", y); emit(name + "_dx", x.grad)
layer_case("post", False, "relu")
layer_case("pre", True, "gelu")

layer = torch.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0)
set_params(layer)
enc = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(4))
x = seq([3, 2, 4], 0.7, 0.3).requires_grad_()
mask = torch.triu(torch.full((3, 3), float("-inf")), 1)
y = enc(x, mask=mask)
(seq(list(y.shape), 0.3, 0, True) * y).sum().backward()
emit("enc_y", y); emit("enc_dx", x.grad)

out.write(sys.argv[1])
