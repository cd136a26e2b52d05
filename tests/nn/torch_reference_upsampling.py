# SPDX-License-Identifier: MIT
# Writes tests/nn/torch_reference_upsampling.h: PyTorch's values for
# ConvTranspose2d, interpolate and pixel_shuffle in test_upsampling.cpp (run
# once by hand; the tests never run Python). x = sin(0.7 i + 0.3), u = cos(0.3 i),
# parameter p holds 0.5 sin(0.37 (i + 1) + 0.11 p); values are y and d sum(u y) / dx.
import sys
import torch
import torch.nn.functional as F

from torch_common import Header, seq, set_params

out = Header("torch_reference_upsampling.py", "torch_up")

emit = out.emit

def case(name, f, shape):
    x = seq(shape, 0.7, 0.3).requires_grad_()
    y = f(x)
    (seq(list(y.shape), 0.3, 0, True) * y).sum().backward()
    emit(name + "_y", y); emit(name + "_dx", x.grad)

ct = torch.nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2))
set_params(ct)
case("ct", ct, [2, 4, 3, 3])
emit("ct_dw", ct.weight.grad)
case("nearest", lambda x: F.interpolate(x, size=(5, 7), mode="nearest"), [1, 2, 3, 4])
case("nearest_sf", lambda x: F.interpolate(x, scale_factor=2.5, mode="nearest"), [1, 1, 3, 2])
case("bilinear", lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False), [1, 2, 3, 4])
case("bilinear_ac", lambda x: F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=True), [1, 2, 3, 4])
case("linear", lambda x: F.interpolate(x, scale_factor=1.5, mode="linear"), [2, 1, 4])
case("shuffle", lambda x: F.pixel_shuffle(x, 2), [1, 8, 2, 3])

out.write(sys.argv[1])
