// SPDX-License-Identifier: MIT
// SmallVector<T, N>: a vector that keeps up to N elements inline and moves to
// the heap only beyond that. Shapes and strides are short (rank <= 6 nearly
// always) and copied on every op; with std::vector each copy was a heap
// allocation, about a third of the allocations of a small op (measured with
// valgrind on a chain of scalar adds).
//
// The interface is the part of std::vector that shapes use, and it converts
// to and from std::vector<T> so code written against vectors keeps working.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>
#include <vector>

namespace fluxion {

template <class T, size_t N>
class SmallVector {
 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;
  using reference = T&;
  using const_reference = const T&;

  SmallVector() = default;
  explicit SmallVector(size_t n, const T& value = T()) { assign_n(n, value); }
  SmallVector(std::initializer_list<T> values) { assign(values.begin(), values.end()); }
  template <class It, class = decltype(*std::declval<It>())>
  SmallVector(It first, It last) { assign(first, last); }
  SmallVector(const std::vector<T>& v) { assign(v.begin(), v.end()); }  // NOLINT: implicit on purpose
  operator std::vector<T>() const { return std::vector<T>(begin(), end()); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return on_heap() ? heap_.data() : inline_.data(); }
  const T* data() const { return on_heap() ? heap_.data() : inline_.data(); }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  std::reverse_iterator<T*> rbegin() { return std::reverse_iterator<T*>(end()); }
  std::reverse_iterator<T*> rend() { return std::reverse_iterator<T*>(begin()); }
  std::reverse_iterator<const T*> rbegin() const { return std::reverse_iterator<const T*>(end()); }
  std::reverse_iterator<const T*> rend() const { return std::reverse_iterator<const T*>(begin()); }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& front() { return data()[0]; }
  T& back() { return data()[size_ - 1]; }
  const T& front() const { return data()[0]; }
  const T& back() const { return data()[size_ - 1]; }
  T& at(size_t i) { return i < size_ ? data()[i] : (throw std::out_of_range("SmallVector::at"), data()[0]); }
  const T& at(size_t i) const { return i < size_ ? data()[i] : (throw std::out_of_range("SmallVector::at"), data()[0]); }

  void push_back(T value) {
    if (size_ < N) {
      inline_[size_++] = std::move(value);
      return;
    }
    if (size_ == N) {  // spill to the heap, leaving no stale copies inline
      heap_.reserve(2 * N);
      for (T& x : inline_) heap_.push_back(std::exchange(x, T()));
    }
    heap_.push_back(std::move(value));
    ++size_;
  }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    push_back(T(std::forward<Args>(args)...));
    return back();
  }
  void pop_back() { resize(size_ - 1); }
  void clear() { resize(0); }
  void reserve(size_t) {}
  void resize(size_t n, const T& value = T()) {
    if (n <= N && !on_heap()) {  // stays inline: no copy of the kept elements
      for (size_t i = n; i < size_; ++i) inline_[i] = T();  // release what is dropped
      for (size_t i = size_; i < n; ++i) inline_[i] = value;
      size_ = n;
      return;
    }
    SmallVector tmp;
    for (size_t i = 0; i < n; ++i) tmp.push_back(i < size_ ? (*this)[i] : value);
    *this = std::move(tmp);
  }
  template <class It>
  void assign(It first, It last) {
    SmallVector tmp;  // first/last may point into *this
    for (; first != last; ++first) tmp.push_back(*first);
    *this = std::move(tmp);
  }
  T* insert(const T* pos, const T& value) { return insert(pos, &value, &value + 1); }
  T* insert(const T* pos, size_t n, const T& value) {
    std::vector<T> v(n, value);
    return insert(pos, v.begin(), v.end());
  }
  template <class It>
  T* insert(const T* pos, It first, It last) {
    size_t at = pos - begin();
    const size_t k = (size_t)std::distance(first, last);
    if (!on_heap() && size_ + k <= N) {  // in place: the new values (which may be ours) first, then the gap
      std::array<T, N> added;
      std::copy(first, last, added.begin());
      std::move_backward(inline_.begin() + at, inline_.begin() + size_, inline_.begin() + size_ + k);
      std::move(added.begin(), added.begin() + k, inline_.begin() + at);
      size_ += k;
      return begin() + at;
    }
    std::vector<T> v(begin(), end());
    v.insert(v.begin() + at, first, last);
    assign(v.begin(), v.end());
    return begin() + at;
  }
  T* insert(const T* pos, std::initializer_list<T> values) { return insert(pos, values.begin(), values.end()); }
  T* erase(const T* pos) { return erase(pos, pos + 1); }
  T* erase(const T* first, const T* last) {
    size_t at = first - begin(), n = last - first;
    std::move(begin() + at + n, end(), begin() + at);
    resize(size_ - n);
    return begin() + at;
  }

  friend bool operator==(const SmallVector& a, const SmallVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator<(const SmallVector& a, const SmallVector& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  bool on_heap() const { return size_ > N; }
  void assign_n(size_t n, const T& value) {
    for (size_t i = 0; i < n; ++i) push_back(value);
  }
  std::array<T, N> inline_{};
  std::vector<T> heap_;
  size_t size_ = 0;
};

}  // namespace fluxion
