// SPDX-License-Identifier: MIT
// Prints the gradient of sum(x^2) at x = (1, 2, 3): "2 4 6".
#include <fluxion.h>

#include <iostream>

int main() {
  namespace fx = fluxion;
  auto x = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  (x * x).sum().backward();
  for (double g : x.grad().to_vector<double>()) std::cout << g << " ";
  std::cout << "\n";
  return 0;
}
