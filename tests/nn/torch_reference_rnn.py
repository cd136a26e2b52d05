# SPDX-License-Identifier: MIT
# Writes tests/nn/torch_reference_rnn.h: PyTorch's values for the recurrent
# layers of test_recurrent.cpp (run once by hand with PyTorch; the tests read
# the header and never run Python). Parameters, inputs and weights u are the
# same formulas as the C++ test: parameter number p (in named_parameters order)
# holds 0.5 sin(0.37 (i + 1) + 0.11 p); x = sin(0.7 i + 0.3); u = cos(0.3 i).
import sys
import torch

from torch_common import Header, seq, set_params

out = Header("torch_reference_rnn.py", "torch_rnn")

emit = out.emit

# loss = sum(u * output) + sum(h_n) [+ sum(c_n)]; record output, h_n, c_n, dx, d weight_hh_l0
def case(name, m, xshape, state=None):
    set_params(m)
    x = seq(xshape, 0.7, 0.3).requires_grad_()
    res = m(x, state) if state is not None else m(x)
    y, s = res
    loss = (seq(list(y.shape), 0.3, 0, True) * y).sum()
    if isinstance(s, tuple):
        loss = loss + s[0].sum() + s[1].sum()
        emit(name + "_c", s[1]); s = s[0]
    else:
        loss = loss + s.sum()
    loss.backward()
    emit(name + "_y", y); emit(name + "_h", s); emit(name + "_dx", x.grad)
    emit(name + "_dwhh", dict(m.named_parameters())["weight_hh_l0" if hasattr(m, "num_layers") else "weight_hh"].grad)

case("rnn", torch.nn.RNN(3, 4, num_layers=2, batch_first=True, bidirectional=True), [2, 5, 3],
     seq([4, 2, 4], 0.5, 0.2))
case("rnn_relu", torch.nn.RNN(3, 4, nonlinearity="relu"), [4, 3])
case("lstm", torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True), [5, 2, 3])
case("gru", torch.nn.GRU(3, 4, batch_first=True), [2, 5, 3], seq([1, 2, 4], 0.5, 0.2))

def cell(name, m, state):
    set_params(m)
    x = seq([2, 3], 0.7, 0.3).requires_grad_()
    r = m(x, state)
    if isinstance(r, tuple):
        loss = (seq([2, 4], 0.3, 0, True) * r[0]).sum() + r[1].sum()
        emit(name + "_c", r[1]); r = r[0]
    else:
        loss = (seq([2, 4], 0.3, 0, True) * r).sum()
    loss.backward()
    emit(name + "_h", r); emit(name + "_dx", x.grad)

cell("rnncell", torch.nn.RNNCell(3, 4), seq([2, 4], 0.5, 0.2))
cell("lstmcell", torch.nn.LSTMCell(3, 4), (seq([2, 4], 0.5, 0.2), seq([2, 4], 0.9, 0.1)))
cell("grucell", torch.nn.GRUCell(3, 4), seq([2, 4], 0.5, 0.2))

out.write(sys.argv[1])
