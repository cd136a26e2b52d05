# SPDX-License-Identifier: MIT
# Prints the PyTorch (1.13) reference values used by test_sort_ops.cpp
# (UniqueAlongDimMatchesPyTorch) and test_linalg_more.cpp. Not run by the
# tests: run it by hand with /usr/bin/python3 and copy the numbers.
import torch

torch.set_printoptions(precision=12)

print("# unique along dim")
x = torch.tensor([[1, 2], [0, 5], [1, 2], [0, 1]])
print(torch.unique(x, dim=0, return_inverse=True, return_counts=True))
print(torch.unique(x, dim=-1, return_inverse=True, return_counts=True))
f = torch.tensor([[2.0, 1], [1, 3], [2, 0]], dtype=torch.float64)
print(torch.unique(f, dim=0, return_inverse=True, return_counts=True))
print(torch.unique(torch.tensor([[float("nan"), 1], [float("nan"), 1]]), dim=0, return_inverse=True, return_counts=True))
print(torch.unique(torch.empty(0, 2), dim=0, return_inverse=True, return_counts=True))
t = torch.tensor([1, 9, 1, 2, 1, 9]).reshape(1, 3, 2).transpose(1, 2)
print(torch.unique(t, dim=2, return_inverse=True, return_counts=True))

print("# lstsq per driver")
A = torch.tensor([[1.0, 2], [3, 4], [5, 7]], dtype=torch.float64)
B = torch.tensor([[1.0], [2], [4]], dtype=torch.float64)
A2 = torch.tensor([[1.0, 2], [2, 4], [3, 6]], dtype=torch.float64)
for d in ["gels", "gelsy", "gelsd", "gelss"]:
    print(d, torch.linalg.lstsq(A, B, driver=d))
print("wide", torch.linalg.lstsq(A[:2], B[:2]))
print("rank-deficient gelsd", torch.linalg.lstsq(A2, B, driver="gelsd"))
print("batch gelsd", torch.linalg.lstsq(torch.stack([A, A2]), torch.stack([B, B]), driver="gelsd"))

print("# solve_triangular")
T = torch.tensor([[2.0, 1, -1], [0.5, 3, 2], [1, -2, 4]], dtype=torch.float64)
R = torch.tensor([[1.0, 2], [3, 4], [5, 6]], dtype=torch.float64)
for upper in [True, False]:
    for unit in [False, True]:
        print("left", upper, unit, torch.linalg.solve_triangular(T, R, upper=upper, unitriangular=unit))
        print("right", upper, unit, torch.linalg.solve_triangular(T, R.mT, upper=upper, left=False, unitriangular=unit))
print("zero diagonal", torch.linalg.solve_triangular(torch.tensor([[0.0, 1], [0, 1]]), torch.ones(2, 1), upper=True))

print("# lu of non-square matrices")
W = torch.tensor([[1.0, 2, 0, -1, 3], [4, -1, 2, 0, 1], [2, 3, -2, 1, 0]], dtype=torch.float64)
for M in [W, W.mT.contiguous()]:
    LU, piv = torch.linalg.lu_factor(M)
    P, L, U = torch.linalg.lu(M)
    print("LU", LU, "pivots", piv, "P", P, sep="\n")

print("# eig of a non-symmetric matrix with real eigenvalues")
G = torch.tensor([[4.0, 1, -2], [0.5, 3, 1], [0, 0.25, 1]], dtype=torch.float64)
L, V = torch.linalg.eig(G)
print("eigenvalues", L, "eigenvectors", V, sep="\n")
Gr = G.clone().requires_grad_()
L, V = torch.linalg.eig(Gr)
(L.real * torch.tensor([1.0, 2, 3], dtype=torch.float64)).sum().backward()
print("grad of sum(eigenvalues * [1, 2, 3])", Gr.grad)
print("rotation", torch.linalg.eigvals(torch.tensor([[0.0, -1], [1, 0]])))
