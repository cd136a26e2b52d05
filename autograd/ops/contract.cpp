// SPDX-License-Identifier: MIT
// Contractions and matrix helpers, as composites of matmul / permute /
// reshape / diagonal / sum (so their rules are those ops' rules): bmm,
// baddbmm, addmm, einsum, tensordot, kron, tril / triu, trace, cross,
// matrix_power.
#include <algorithm>
#include <array>
#include <string>

#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion {

Tensor bmm(const Tensor& a, const Tensor& b) {
  check(a.dim() == 3 && b.dim() == 3 && a.size(0) == b.size(0) && a.size(2) == b.size(1),
        "bmm: expected [B, n, m] and ", "[B, m, p], got ", a.shape(), " and ", b.shape(),
        " (matmul broadcasts batch dims)");
  return a.matmul(b);
}
// beta input + alpha m1 m2 (input ignored, NaN too, when beta = 0, as PyTorch)
static Tensor add_product(const Tensor& input, const Tensor& product, double beta, double alpha) {
  Tensor p = alpha == 1 ? product : product * alpha;
  if (beta == 0) return p + zeros_like(input);  // the broadcast shape, without input's values
  return (beta == 1 ? input : input * beta) + p;
}
Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta, double alpha) {
  return add_product(input, bmm(batch1, batch2), beta, alpha);
}
Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, double beta, double alpha) {
  check(mat1.dim() == 2 && mat2.dim() == 2, "addmm: expected 2-d matrices, got ", mat1.shape(), " and ", mat2.shape());
  return add_product(input, mat1.matmul(mat2), beta, alpha);
}

// ---- einsum ---------------------------------------------------------------------
// Labels are ids: 'A'..'Z' -> 0..25, 'a'..'z' -> 26..51 (the order of an implicit
// output, as PyTorch), the dims of "..." -> 52.. (right-aligned across operands).
namespace {

constexpr int kEllipsis = 52;

struct Term {
  std::vector<int> labels;
  bool ellipsis = false;
};

Term parse_term(const std::string& s, const std::string& equation) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      check(!t.ellipsis && s.compare(i, 3, "...") == 0, "einsum: bad '.' in \"", equation,
            "\"; write ... once per term");
      t.ellipsis = true;
      t.labels.push_back(-1);  // the ellipsis' slot; expand_ellipsis gives it its dims per operand
      i += 2;
    } else if (c >= 'A' && c <= 'Z') {
      t.labels.push_back(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      t.labels.push_back(26 + c - 'a');
    } else {
      fail("einsum: subscript '", c, "' in \"", equation, "\" is not a letter; use a-z, A-Z and ...");
    }
  }
  return t;
}

// The term's labels with -1 replaced by the last `n` of `total` ellipsis ids.
std::vector<int> expand_ellipsis(const Term& t, int64_t n, int64_t total) {
  std::vector<int> out;
  for (int l : t.labels) {
    if (l != -1)
      out.push_back(l);
    else
      for (int64_t k = total - n; k < total; ++k) out.push_back(kEllipsis + (int)k);
  }
  return out;
}

struct Operand {
  Tensor t;
  std::vector<int> labels;  // one per dim of t, distinct
};

int64_t position(const std::vector<int>& v, int l) { return std::find(v.begin(), v.end(), l) - v.begin(); }
bool has(const std::vector<int>& v, int l) { return std::find(v.begin(), v.end(), l) != v.end(); }

// Sums out the dims whose labels are not in `keep`.
Operand sum_out(Operand o, const std::vector<int>& keep) {
  std::vector<int64_t> dims;
  std::vector<int> rest;
  for (size_t d = 0; d < o.labels.size(); ++d) {
    if (has(keep, o.labels[d]))
      rest.push_back(o.labels[d]);
    else
      dims.push_back((int64_t)d);
  }
  if (!dims.empty()) o.t = o.t.sum(dims);
  o.labels = rest;
  return o;
}

// a and b contracted over their shared labels not in `later`, via one
// batched matmul: a -> [batch, left, sum], b -> [batch, sum, right].
Operand contract(const Operand& a, const Operand& b, const std::vector<int>& later) {
  std::vector<int> batch, left, summed, right;
  for (int l : a.labels) {
    if (!has(b.labels, l))
      left.push_back(l);
    else if (has(later, l))
      batch.push_back(l);
    else
      summed.push_back(l);
  }
  for (int l : b.labels)
    if (!has(a.labels, l)) right.push_back(l);
  auto arrange = [](const Operand& o, std::array<const std::vector<int>*, 3> groups) {
    std::vector<int64_t> perm;
    std::array<int64_t, 3> sizes{1, 1, 1};
    for (size_t g = 0; g < 3; ++g)
      for (int l : *groups[g]) {
        int64_t p = position(o.labels, l);
        perm.push_back(p);
        sizes[g] *= o.t.size(p);
      }
    return o.t.permute(perm).reshape({sizes[0], sizes[1], sizes[2]});
  };
  Tensor y = arrange(a, {&batch, &left, &summed}).matmul(arrange(b, {&batch, &summed, &right}));
  Operand out;
  Shape shape;
  for (const std::vector<int>* g : {&batch, &left}) {
    for (int l : *g) {
      out.labels.push_back(l);
      shape.push_back(a.t.size(position(a.labels, l)));
    }
  }
  for (int l : right) {
    out.labels.push_back(l);
    shape.push_back(b.t.size(position(b.labels, l)));
  }
  out.t = y.reshape(shape);
  return out;
}

}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq.push_back(c);
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(parse_term(lhs.substr(start, comma - start), equation));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  check(terms.size() == operands.size(), "einsum: \"", equation, "\" has ", terms.size(), " terms but ",
        operands.size(), " operands were given");
  // How many dims each "..." stands for, and the most of any operand.
  std::vector<int64_t> spans(terms.size());
  int64_t total = 0;
  for (size_t k = 0; k < terms.size(); ++k) {
    int64_t letters = (int64_t)terms[k].labels.size() - (terms[k].ellipsis ? 1 : 0);
    int64_t nd = operands[k].dim();
    check(terms[k].ellipsis ? nd >= letters : nd == letters, "einsum: operand ", k, " of shape ", operands[k].shape(),
          " has ", nd, " dims but its subscripts in \"", equation, "\" name ", letters);
    spans[k] = nd - letters;
    total = std::max(total, spans[k]);
  }
  std::vector<Operand> ops(terms.size());
  std::vector<int> count(kEllipsis + total, 0);
  for (size_t k = 0; k < terms.size(); ++k) {
    ops[k] = {operands[k], expand_ellipsis(terms[k], spans[k], total)};
    for (int l : ops[k].labels) ++count[l];
  }
  std::vector<int> output;
  if (arrow == std::string::npos) {  // implicit: the ... dims, then the labels used once, in order
    for (int64_t e = 0; e < total; ++e) output.push_back(kEllipsis + (int)e);
    for (int l = 0; l < kEllipsis; ++l)
      if (count[l] == 1) output.push_back(l);
  } else {
    Term out = parse_term(eq.substr(arrow + 2), equation);
    output = expand_ellipsis(out, total, total);
    for (size_t i = 0; i < output.size(); ++i) {
      check(output[i] < (int)count.size() && count[output[i]] > 0, "einsum: output subscript in \"", equation,
            "\" does not appear in any operand");
      check(position(output, output[i]) == (int64_t)i, "einsum: output subscript repeated in \"", equation, "\"");
    }
  }
  // Sizes per label: equal, or 1 (which broadcasts).
  std::vector<int64_t> size(count.size(), -1);  // -1: not seen yet
  for (Operand& o : ops)
    for (size_t d = 0; d < o.labels.size(); ++d) {
      int64_t s = o.t.size((int64_t)d), &have = size[o.labels[d]];
      check(s == have || s == 1 || have == -1 || have == 1, "einsum: subscript of size ", s, " in operand of shape ",
            o.t.shape(), " does not match size ", have, " elsewhere in \"", equation, "\"");
      if (have == -1 || have == 1) have = s;
    }
  // Per operand: repeated labels take the diagonal, labels used nowhere else are summed, size-1 dims broadcast.
  for (size_t k = 0; k < ops.size(); ++k) {
    Operand& o = ops[k];
    for (size_t i = 0; i < o.labels.size(); ++i) {
      int64_t j = position(std::vector<int>(o.labels.begin() + (int64_t)i + 1, o.labels.end()), o.labels[i]);
      if (i + 1 + j >= o.labels.size()) continue;
      int l = o.labels[i];
      check(o.t.size((int64_t)i) == o.t.size((int64_t)(i + 1 + j)), "einsum: subscript repeated in operand ", k,
            " of shape ", o.t.shape(), " over dims of different sizes");
      o.t = o.t.diagonal(0, (int64_t)i, (int64_t)(i + 1 + j));
      o.labels.erase(o.labels.begin() + (int64_t)(i + 1 + j));
      o.labels.erase(o.labels.begin() + (int64_t)i);
      o.labels.push_back(l);
      --count[l];
      i = (size_t)-1;  // start over: the labels moved
    }
  }
  for (size_t k = 0; k < ops.size(); ++k) {
    std::vector<int> keep = output;
    for (size_t m = 0; m < ops.size(); ++m)
      if (m != k) keep.insert(keep.end(), ops[m].labels.begin(), ops[m].labels.end());
    ops[k] = sum_out(ops[k], keep);
    Shape full;
    for (int l : ops[k].labels) full.push_back(size[l]);
    if (ops[k].t.shape() != full) ops[k].t = ops[k].t.expand(full);
  }
  Operand acc = ops[0];
  for (size_t k = 1; k < ops.size(); ++k) {
    std::vector<int> later = output;
    for (size_t m = k + 1; m < ops.size(); ++m) later.insert(later.end(), ops[m].labels.begin(), ops[m].labels.end());
    acc = contract(acc, ops[k], later);
  }
  acc = sum_out(acc, output);
  std::vector<int64_t> perm;
  for (int l : output) perm.push_back(position(acc.labels, l));
  return acc.t.permute(perm);
}

// ---- tensordot, kron, triangles, trace, cross, matrix_power ---------------------------
Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<int64_t>& dims_a,
                 const std::vector<int64_t>& dims_b) {
  check(dims_a.size() == dims_b.size(), "tensordot: ", dims_a.size(), " dims of a but ", dims_b.size(),
        " of b; pair them up");
  std::vector<int64_t> pa, pb, free_a, free_b;
  Shape shape;
  int64_t k = 1;
  for (size_t i = 0; i < dims_a.size(); ++i) {
    int64_t da = wrap_dim(dims_a[i], a.dim(), "tensordot"), db = wrap_dim(dims_b[i], b.dim(), "tensordot");
    check(a.size(da) == b.size(db), "tensordot: dim ", da, " of a ", a.shape(), " and dim ", db, " of b ", b.shape(),
          " differ in size");
    pa.push_back(da), pb.push_back(db), k *= a.size(da);
  }
  for (int64_t d = 0; d < a.dim(); ++d)
    if (!std::count(pa.begin(), pa.end(), d)) free_a.push_back(d), shape.push_back(a.size(d));
  for (int64_t d = 0; d < b.dim(); ++d)
    if (!std::count(pb.begin(), pb.end(), d)) free_b.push_back(d), shape.push_back(b.size(d));
  int64_t fa = 1, fb = 1;
  for (int64_t d : free_a) fa *= a.size(d);
  for (int64_t d : free_b) fb *= b.size(d);
  std::vector<int64_t> perm_a = free_a, perm_b = pb;
  perm_a.insert(perm_a.end(), pa.begin(), pa.end());
  perm_b.insert(perm_b.end(), free_b.begin(), free_b.end());
  return a.permute(perm_a).reshape({fa, k}).matmul(b.permute(perm_b).reshape({k, fb})).reshape(shape);
}
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims) {
  check(dims >= 0 && dims <= a.dim() && dims <= b.dim(), "tensordot: cannot contract ", dims, " dims of ", a.shape(),
        " and ", b.shape());
  std::vector<int64_t> da, db;
  for (int64_t i = 0; i < dims; ++i) da.push_back(a.dim() - dims + i), db.push_back(i);
  return tensordot(a, b, da, db);
}

// kron: y[i0 b0 + j0, i1 b1 + j1, ..] = a[i0, i1, ..] b[j0, j1, ..], as a
// [a0, 1, a1, 1, ..] times [1, b0, 1, b1, ..] product, reshaped.
Tensor kron(const Tensor& a, const Tensor& b) {
  int64_t nd = std::max(a.dim(), b.dim());
  Shape sa(nd - a.dim(), 1), sb(nd - b.dim(), 1), ia, ib, out;
  sa.insert(sa.end(), a.shape().begin(), a.shape().end());
  sb.insert(sb.end(), b.shape().begin(), b.shape().end());
  for (int64_t d = 0; d < nd; ++d) {
    ia.insert(ia.end(), {sa[d], 1});
    ib.insert(ib.end(), {1, sb[d]});
    out.push_back(sa[d] * sb[d]);
  }
  return (a.reshape(ia) * b.reshape(ib)).reshape(out);
}

// tril / triu: x where col - row <= k (>= k), 0 elsewhere, in the last two dims
static Tensor triangle(const Tensor& x, int64_t k, bool lower, const char* op) {
  check(x.dim() >= 2, op, ": expected a matrix or a batch of matrices, got shape ", x.shape());
  Tensor rows = arange((double)x.size(-2), Int64).unsqueeze(1), cols = arange((double)x.size(-1), Int64).unsqueeze(0);
  Tensor offset = cols - rows;
  return where(lower ? le(offset, (double)k) : ge(offset, (double)k), x, 0.0);
}
Tensor tril(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, true, "tril"); }
Tensor triu(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, false, "triu"); }

Tensor trace(const Tensor& x) {
  check(x.dim() == 2, "trace: expected a matrix, got shape ", x.shape(),
        "; for a batch use diagonal(0, -2, -1).sum({-1})");
  return x.diagonal().sum();
}

// cross: a x b along dim (of size 3; a and b broadcast), as linalg.cross
Tensor cross(const Tensor& a, const Tensor& b, int64_t dim) {
  std::vector<Tensor> ab = broadcast_tensors({a, b});
  int64_t d = wrap_dim(dim, ab[0].dim(), "cross");
  check(ab[0].size(d) == 3, "cross: dim ", d, " of the broadcast shape ", ab[0].shape(), " must have size 3");
  auto at = [d](const Tensor& t, int64_t i) { return t.narrow(d, i, 1); };
  const Tensor &u = ab[0], &v = ab[1];
  return cat({at(u, 1) * at(v, 2) - at(u, 2) * at(v, 1), at(u, 2) * at(v, 0) - at(u, 0) * at(v, 2),
              at(u, 0) * at(v, 1) - at(u, 1) * at(v, 0)},
             d);
}

// matrix_power: A^n by repeated squaring (n < 0: of A^-1; n = 0: the identity)
Tensor matrix_power(const Tensor& A, int64_t n) {
  check(A.dim() >= 2 && A.size(-1) == A.size(-2), "matrix_power: expected square matrices [*, n, n], got ", A.shape());
  if (n == 0) return eye(A.size(-1), {}, A.dtype()).expand(A.shape()).contiguous();
  Tensor base = n < 0 ? linalg::inv(A) : A, result;
  for (uint64_t e = n < 0 ? -(uint64_t)n : (uint64_t)n; e; e >>= 1) {
    if (e & 1) result = result.defined() ? result.matmul(base) : base;
    if (e > 1) base = base.matmul(base);
  }
  return result;
}

}  // namespace fluxion
