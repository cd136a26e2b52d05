// SPDX-License-Identifier: MIT
// Math text layout: a recursive-descent parser of a TeX subset that builds
// boxes (runs, rules, width, ascent, descent) and places them as TeX's
// simplest rules do: scripts at 70% size raised 0.42 em or lowered 0.2 em
// (stacked when both), fractions centred on the math axis at 0.25 em.
#include "examples/plot/mathtext.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace fluxion::plot {

namespace {

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

const std::map<std::u32string, char32_t>& symbols() {
  static const std::map<std::u32string, char32_t> m = {
      {U"alpha", U'α'},      {U"beta", U'β'},    {U"gamma", U'γ'},  {U"delta", U'δ'},  {U"epsilon", U'ε'},
      {U"varepsilon", U'ε'}, {U"zeta", U'ζ'},    {U"eta", U'η'},    {U"theta", U'θ'},  {U"iota", U'ι'},
      {U"kappa", U'κ'},      {U"lambda", U'λ'},  {U"mu", U'μ'},     {U"nu", U'ν'},     {U"xi", U'ξ'},
      {U"pi", U'π'},         {U"rho", U'ρ'},     {U"sigma", U'σ'},  {U"tau", U'τ'},    {U"upsilon", U'υ'},
      {U"phi", U'φ'},        {U"varphi", U'φ'},  {U"chi", U'χ'},    {U"psi", U'ψ'},    {U"omega", U'ω'},
      {U"Gamma", U'Γ'},      {U"Delta", U'Δ'},   {U"Theta", U'Θ'},  {U"Lambda", U'Λ'}, {U"Xi", U'Ξ'},
      {U"Pi", U'Π'},         {U"Sigma", U'Σ'},   {U"Phi", U'Φ'},    {U"Psi", U'Ψ'},    {U"Omega", U'Ω'},
      {U"nabla", U'∇'},      {U"partial", U'∂'}, {U"int", U'∫'},    {U"oint", U'∮'},   {U"sum", U'∑'},
      {U"prod", U'∏'},       {U"infty", U'∞'},   {U"cdot", U'·'},   {U"times", U'×'},  {U"le", U'≤'},
      {U"leq", U'≤'},        {U"ge", U'≥'},      {U"geq", U'≥'},    {U"ne", U'≠'},     {U"neq", U'≠'},
      {U"approx", U'≈'},     {U"sim", U'∼'},     {U"pm", U'±'},     {U"to", U'→'},     {U"rightarrow", U'→'},
      {U"leftarrow", U'←'},  {U"in", U'∈'},      {U"prime", U'′'},  {U"ell", U'ℓ'},    {U"hbar", U'ℏ'},
      {U"propto", U'∝'},     {U"forall", U'∀'},  {U"exists", U'∃'}, {U"langle", U'⟨'}, {U"rangle", U'⟩'},
      {U"circ", U'∘'},       {U"Vert", U'‖'},    {U"|", U'‖'},      {U"{", U'{'},      {U"}", U'}'},
      {U"$", U'$'},          {U"%", U'%'}};
  return m;
}

bool is_function(const std::u32string& n) {
  for (const char32_t* f : {U"sin", U"cos", U"tan", U"exp", U"log", U"ln", U"max", U"min", U"arg", U"det", U"tanh",
                            U"sinh", U"cosh", U"lim", U"sup", U"inf", U"sgn", U"tr"})
    if (n == f) return true;
  return false;
}

struct Box {
  std::vector<PlacedRun> runs;
  std::vector<Rule> rules;
  double width = 0, ascent = 0, descent = 0;
  void place(const Box& b, double dx, double rise) {  // b's origin at (width + dx, rise)
    for (PlacedRun r : b.runs) r.x += width + dx, r.rise += rise, runs.push_back(r);
    for (Rule r : b.rules) r.x0 += width + dx, r.x1 += width + dx, r.rise += rise, rules.push_back(r);
    ascent = std::max(ascent, b.ascent + rise), descent = std::max(descent, b.descent - rise);
  }
};

// A style every glyph of a group takes (\mathbf, \mathrm), or none: math's own choice.
using Force = std::optional<Style>;

class Parser {
 public:
  Parser(std::u32string s, double size, double (*advance)(char32_t, double, Style))
      : s_(std::move(s)), size_(size), advance_(advance) {}

  // A sequence of atoms until `stop` (or the end); `math` switches between text and math mode.
  Box group(double size, bool math, Force forced, char32_t stop) {
    Box box;
    bool any = false;
    char32_t prev = 0;  // the last atom when it is one character (brackets, operators), else a letter
    while (i_ < s_.size() && s_[i_] != stop) {
      const char32_t c = s_[i_];
      if (c == U'$') {
        ++i_, math = !math;
        continue;
      }
      if (c == U' ' && math && !forced) {  // math ignores spaces, as TeX does
        ++i_;
        continue;
      }
      if ((c == U'^' || c == U'_') && (math || (i_ + 1 < s_.size() && s_[i_ + 1] == U'{'))) {
        scripts(box, size, math, forced);
        continue;
      }
      const Box a = atom(size, math, forced);
      // TeX's spacing: medium around binary operators, thick around relations, thin after a comma.
      const char32_t op = math && a.runs.size() == 1 && a.runs[0].text.size() == 1 ? a.runs[0].text[0] : 0;
      const bool rel = op && std::u32string_view(U"=<>≤≥≈≠→∈∼∝").find(op) != std::u32string_view::npos;
      // A binary operator after nothing, an opening bracket or another operator is a sign (−x): no spacing.
      const bool after_open = prev == U'(' || prev == U'[' || prev == U'{' || prev == U',' ||
                              std::u32string_view(U"=<>≤≥≈≠→∈∼∝+−×·±").find(prev) != std::u32string_view::npos;
      const bool bin = op && any && !after_open && std::u32string_view(U"+−×·±").find(op) != std::u32string_view::npos;
      const double gap = (rel ? 0.28 : bin ? 0.22 : 0) * size * (size_ == size ? 1 : 0);
      box.width += gap;
      last_ascent_ = a.ascent;
      box.place(a, 0, 0);
      box.width += a.width + gap + (op == U',' ? 0.17 * size : 0);
      any = true, prev = op ? op : U'x';
    }
    return box;
  }

 private:
  std::u32string s_;
  size_t i_ = 0;
  double size_;  // the text's size: scripts and fractions (smaller) get no operator spacing
  double (*advance_)(char32_t, double, Style);
  double last_ascent_ = 0;

  Box glyphs(std::u32string t, double size, Style style) {
    Box b;
    double w = 0;
    for (char32_t c : t) w += advance_(c, size, style);
    b.runs.push_back({std::move(t), 0, 0, size, style});
    b.width = w, b.ascent = 0.76 * size, b.descent = 0.24 * size;
    return b;
  }

  Box braced(double size, bool math, Force forced) {  // {..} or a single atom
    if (i_ < s_.size() && s_[i_] == U'{') {
      ++i_;
      Box b = group(size, math, forced, U'}');
      if (i_ < s_.size()) ++i_;
      return b;
    }
    return atom(size, math, forced);
  }

  Box atom(double size, bool math, Force forced) {
    const char32_t c = s_[i_];
    if (c == U'{') return braced(size, math, forced);
    if (c == U'\\' && math && i_ + 1 < s_.size()) return command(size, forced);
    ++i_;
    const bool letter = (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'α' && c <= U'ω');
    const Style st = forced ? *forced : math && letter ? Style::italic : Style::regular;
    return glyphs(std::u32string(1, math && c == U'-' ? U'−' : c), size, st);
  }

  Box command(double size, Force forced) {
    ++i_;
    std::u32string name;
    while (i_ < s_.size() && ((s_[i_] >= U'a' && s_[i_] <= U'z') || (s_[i_] >= U'A' && s_[i_] <= U'Z')))
      name.push_back(s_[i_++]);
    if (name.empty() && i_ < s_.size()) name.push_back(s_[i_++]);  // \, \; \! \{ \$ ...
    Box space;
    const std::map<std::u32string, double> spaces = {{U",", 0.17},  {U":", 0.22}, {U";", 0.28}, {U" ", 0.33},
                                                     {U"!", -0.17}, {U"quad", 1}, {U"qquad", 2}};
    if (auto it = spaces.find(name); it != spaces.end()) return space.width = it->second * size, space;
    if (name == U"left" || name == U"right")
      return i_ < s_.size() && s_[i_] == U'.' ? (++i_, space) : atom(size, true, forced);
    if (name == U"mathbf") return braced(size, true, Style::bold);
    if (name == U"mathrm" || name == U"text" || name == U"operatorname") return braced(size, true, Style::regular);
    if (name == U"mathit") return braced(size, true, Style::italic);
    if (name == U"frac") return frac(size, forced);
    if (name == U"sqrt") return sqrt(size, forced);
    if (is_function(
            name)) {  // TeX's thin space between an operator and what it applies to, unless a bracket or script follows
      Box f = glyphs(name, size, Style::regular);
      size_t j = i_;
      while (j < s_.size() && s_[j] == U' ') ++j;
      if (j < s_.size() && std::u32string_view(U"([{^_").find(s_[j]) == std::u32string_view::npos)
        f.width += 0.17 * size;
      return f;
    }
    if (auto it = symbols().find(name); it != symbols().end()) {
      const bool greek_lower = it->second >= U'α' && it->second <= U'ω';
      return glyphs(std::u32string(1, it->second), size,
                    forced        ? *forced
                    : greek_lower ? Style::italic
                                  : Style::regular);
    }
    return glyphs(U"\\" + name, size, Style::regular);  // unknown: shown as written
  }

  // x^a, x_b, x_b^a (stacked): scripts at 70% size beside the atom just placed.
  void scripts(Box& box, double size, bool math, Force forced) {
    Box sup, sub;
    bool has_sup = false, has_sub = false;
    while (i_ < s_.size() && (s_[i_] == U'^' || s_[i_] == U'_')) {
      const bool up = s_[i_++] == U'^';
      if (i_ >= s_.size()) break;
      Box b = braced(0.7 * size, math, forced);
      (up ? sup : sub) = std::move(b);
      (up ? has_sup : has_sub) = true;
    }
    const double up = std::max(0.42 * size, last_ascent_ - 0.3 * size), down = has_sup ? 0.25 * size : 0.2 * size;
    const double x = box.width;
    if (has_sup) box.place(sup, 0, up);
    box.width = x;
    if (has_sub) box.place(sub, 0, -down);
    box.width = x + std::max(has_sup ? sup.width : 0.0, has_sub ? sub.width : 0.0) + 0.05 * size;
  }

  Box frac(double size, Force forced) {
    const Box num = braced(0.7 * size, true, forced), den = braced(0.7 * size, true, forced);
    const double axis = 0.25 * size, t = std::max(0.05 * size, 0.5), gap = 0.12 * size,
                 w = std::max(num.width, den.width) + 0.2 * size;
    Box b;
    b.width = (w - num.width) / 2;
    b.place(num, 0, axis + gap + num.descent);
    b.width = (w - den.width) / 2;
    b.place(den, 0, axis - gap - den.ascent);
    b.rules.push_back({0.05 * size, w - 0.05 * size, axis, t});
    b.width = w;
    return b;
  }

  Box sqrt(double size, Force forced) {
    const Box arg = braced(size, true, forced);
    Box b = glyphs(U"√", size, Style::regular);
    const double top = std::max(arg.ascent, 0.76 * size) + 0.08 * size;
    b.rules.push_back({b.width - 0.02 * size, b.width + arg.width + 0.05 * size, top, std::max(0.05 * size, 0.5)});
    b.place(arg, 0, 0);
    b.width += arg.width + 0.1 * size;
    b.ascent = std::max(b.ascent, top + 0.05 * size);
    return b;
  }
};

}  // namespace

MathLayout layout_math(std::string_view utf8, double size, double (*advance)(char32_t, double, Style)) {
  Parser p(decode(utf8), size, advance);
  Box b = p.group(size, false, std::nullopt, U'\0');
  // Merge neighbouring runs of one style, size and rise into one.
  MathLayout out;
  for (PlacedRun& r : b.runs) {
    if (r.text.empty()) continue;
    if (!out.runs.empty()) {
      PlacedRun& last = out.runs.back();
      double end = last.x;
      for (char32_t c : last.text) end += advance(c, last.size, last.style);
      if (last.style == r.style && last.size == r.size && last.rise == r.rise && std::abs(end - r.x) < 1e-9) {
        last.text += r.text;
        continue;
      }
    }
    out.runs.push_back(std::move(r));
  }
  out.rules = std::move(b.rules);
  out.width = b.width, out.ascent = b.ascent, out.descent = b.descent;
  return out;
}

}  // namespace fluxion::plot
