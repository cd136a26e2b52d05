"""Prints the PyTorch reference values pasted into tests/nn/test_pooling_norm.cpp
and test_losses.cpp (run: /usr/bin/python3 tests/nn/torch_reference.py).
Inputs are deterministic so the C++ tests rebuild them exactly:
x[i] = sin(0.7 i + 0.3) over the flattened shape, u[i] = cos(0.3 i) the cotangent;
each case prints forward values and d sum(u * f(x)) / dx, in float64."""
import math
import torch
import torch.nn.functional as F


def seq(shape, f):
    n = math.prod(shape)
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float64).reshape(shape)


def X(shape):
    return seq(shape, lambda i: math.sin(0.7 * i + 0.3)).requires_grad_()


def U(shape):
    return seq(shape, lambda i: math.cos(0.3 * i))


def show(name, f, shape):
    x = X(shape)
    y = f(x)
    (y * U(y.shape)).sum().backward()
    fmt = lambda t: ', '.join('%.12g' % v for v in t.detach().flatten().tolist())
    print('// %s: y %s' % (name, list(y.shape)))
    print('{%s},' % fmt(y))
    print('{%s},' % fmt(x.grad))


show('max_pool2d k3 s2 p1 ceil', lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), (1, 2, 6, 5))
show('max_pool2d k2 s1 d2', lambda x: F.max_pool2d(x, 2, 1, 0, dilation=2), (2, 1, 5, 5))
show('avg_pool2d k3 s2 p1 ceil', lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), (1, 2, 6, 5))
show('avg_pool2d k3 s2 p1 ceil nopad', lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (1, 2, 6, 5))
show('max_pool1d k2', lambda x: F.max_pool1d(x, 2), (2, 2, 7))
show('avg_pool1d k3 s2 p1', lambda x: F.avg_pool1d(x, 3, 2, 1), (2, 2, 7))
show('adaptive_avg_pool2d 3x2', lambda x: F.adaptive_avg_pool2d(x, (3, 2)), (1, 2, 7, 5))
show('adaptive_max_pool2d 3x2', lambda x: F.adaptive_max_pool2d(x, (3, 2)), (1, 2, 7, 5))
w = seq((4, 1, 3, 3), lambda i: math.cos(0.5 * i))
show('conv2d groups 2 same', lambda x: F.conv2d(x, w, None, 1, 'same', 1, 2), (1, 2, 5, 4))
w2 = seq((2, 2, 2, 2), lambda i: math.cos(0.5 * i))
show('conv2d same even kernel dil 1', lambda x: F.conv2d(x, w2, None, 1, 'same', 1, 1), (1, 2, 4, 5))

bn = torch.nn.BatchNorm2d(3).double()
x = X((2, 3, 2, 2))
y = bn(x)
(y * U(y.shape)).sum().backward()
bn(X((2, 3, 2, 2)) * 2 + 1)
print('// BatchNorm2d(3), two training steps: y of the first, dx of the first, running_mean, running_var')
for t in (y, x.grad, bn.running_mean, bn.running_var):
    print('{%s},' % ', '.join('%.12g' % v for v in t.detach().flatten().tolist()))
print('// num_batches_tracked', bn.num_batches_tracked.item())
bn.eval()
print('{%s},' % ', '.join('%.12g' % v for v in bn(X((1, 3, 2, 2))).detach().flatten().tolist()))

show('group_norm 2 groups', lambda x: F.group_norm(x, 2), (2, 4, 3))
show('instance_norm', lambda x: F.instance_norm(x), (2, 2, 3, 2))

# losses on fixed inputs
x = torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.2, 0.1], [2.0, 1.0, -1.0]], dtype=torch.float64)
y = torch.tensor([0, 2, 1, -100])
w = torch.tensor([0.2, 1.0, 3.0], dtype=torch.float64)
for red in ('none', 'mean', 'sum'):
    print('// cross_entropy weight ignore smoothing 0.2', red, F.cross_entropy(x, y, weight=w, label_smoothing=0.2, reduction=red).tolist())
    print('// cross_entropy ignore smoothing 0.2', red, F.cross_entropy(x, y, label_smoothing=0.2, reduction=red).tolist())
    print('// nll_loss weight ignore', red, F.nll_loss(x, y, weight=w, reduction=red).tolist())
x3 = seq((2, 3, 2), lambda i: math.sin(0.7 * i + 0.3))
y3 = torch.tensor([[0, 2], [1, 1]])
print('// cross_entropy (N, C, d)', F.cross_entropy(x3, y3, reduction='none').tolist())
p = torch.tensor([0.2, 0.9, 0.5, 0.01], dtype=torch.float64)
t = torch.tensor([0.0, 1.0, 0.3, 1.0], dtype=torch.float64)
print('// binary_cross_entropy', F.binary_cross_entropy(p, t).item(), F.binary_cross_entropy(p, t, weight=t + 1, reduction='sum').item())
lp = F.log_softmax(x, 1)
q = F.softmax(x.flip(0), 1)
q[0, 1] = 0
print('// kl_div batchmean, mean, log_target sum', F.kl_div(lp, q, reduction='batchmean').item(), F.kl_div(lp, q, reduction='mean').item(),
      F.kl_div(lp, lp.flip(0), reduction='sum', log_target=True).item())
a = torch.tensor([0.3, -1.0, 2.0, 0.0], dtype=torch.float64)
b = torch.tensor([0.5, 0.5, 1.0, 3.0], dtype=torch.float64)
print('// smooth_l1 beta 1, beta 0.5 sum', F.smooth_l1_loss(a, b).item(), F.smooth_l1_loss(a, b, beta=0.5, reduction='sum').item())
s = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
print('// margin_ranking margin 0.5', F.margin_ranking_loss(a, b, s, margin=0.5).item())
print('// cosine_embedding margin 0.1 none', F.cosine_embedding_loss(x, x.flip(1), s, margin=0.1, reduction='none').tolist())
