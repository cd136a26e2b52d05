// SPDX-License-Identifier: MIT
// GIF encoder round trips: encode, decode with the test decoder, compare pixels.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "examples/plot/plot.h"
#include "gif_decode.h"

namespace plot = fluxion::plot;

namespace {

plot::Image pattern(int w, int h, int seed, int colours) {
  std::mt19937 gen(seed);
  plot::Image img{w, h, std::vector<uint8_t>(3 * w * h)};
  for (int i = 0; i < w * h; ++i) {
    const int c = static_cast<int>(gen() % colours);
    img.rgb[3 * i] = static_cast<uint8_t>(c * 37), img.rgb[3 * i + 1] = static_cast<uint8_t>(c * 11),
                img.rgb[3 * i + 2] = static_cast<uint8_t>(255 - c);
  }
  return img;
}

}  // namespace

TEST(Gif, ExactRoundTripWithFewColours) {
  // Random pixels compress badly, so the LZW table fills up and clear codes are exercised.
  std::vector<plot::Image> frames = {pattern(97, 61, 1, 200), pattern(97, 61, 2, 200), pattern(97, 61, 3, 5)};
  const auto bytes = plot::encode_gif(frames, {10, 25, 300}, true);
  const gif_test::Decoded d = gif_test::decode(bytes);
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.width, 97);
  EXPECT_EQ(d.height, 61);
  EXPECT_TRUE(d.loops);
  EXPECT_EQ(d.delays_cs, (std::vector<int>{10, 25, 300}));
  for (size_t f = 0; f < 3; ++f) EXPECT_EQ(d.frames[f].rgb, frames[f].rgb) << "frame " << f;
}

TEST(Gif, TwoColourImageUsesSmallestCodeSize) {
  plot::Image img{8, 8, std::vector<uint8_t>(192, 0)};
  for (int i = 0; i < 64; i += 3) img.rgb[3 * i] = 255;
  const gif_test::Decoded d = gif_test::decode(plot::encode_gif({img}, {5}, false));
  EXPECT_FALSE(d.loops);
  EXPECT_EQ(d.frames.at(0).rgb, img.rgb);
}

TEST(Gif, ManyColoursAreQuantisedClosely) {
  plot::Image img{64, 64, std::vector<uint8_t>(3 * 64 * 64)};
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      uint8_t* p = &img.rgb[3 * (y * 64 + x)];
      p[0] = static_cast<uint8_t>(4 * x), p[1] = static_cast<uint8_t>(4 * y), p[2] = static_cast<uint8_t>(2 * (x + y));
    }
  const gif_test::Decoded d = gif_test::decode(plot::encode_gif({img}, {5}, false));
  double err = 0;
  for (size_t i = 0; i < img.rgb.size(); ++i) err += std::abs(int(img.rgb[i]) - int(d.frames[0].rgb[i]));
  EXPECT_LT(err / img.rgb.size(), 8.0);  // 4096 colours into 256: a few levels off on average
}

TEST(Gif, AnimationOfFiguresRoundTrips) {
  plot::Animation anim(120);
  std::vector<plot::Image> rendered;
  for (int k = 0; k < 3; ++k) {
    plot::Figure fig(3, 2, 50);
    fig.ax().plot({0, 1, 2}, {0, double(k), 1}, {.color = "C0"});
    rendered.push_back(fig.render());
    anim.add(fig);
  }
  const std::string path = (std::filesystem::temp_directory_path() / "fluxion_plot_test" / "anim.gif").string();
  anim.save(path);
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  const gif_test::Decoded d = gif_test::decode(bytes);
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.delays_cs, (std::vector<int>{12, 12, 12}));
  for (size_t f = 0; f < 3; ++f) {
    double err = 0;
    for (size_t i = 0; i < rendered[f].rgb.size(); ++i)
      err += std::abs(int(rendered[f].rgb[i]) - int(d.frames[f].rgb[i]));
    EXPECT_LT(err / rendered[f].rgb.size(), 2.0) << "frame " << f;
  }
}

TEST(Gif, CommonColoursKeepExactPaletteEntries) {
  // A figure (white background, black frame) over a smooth gradient of many colours.
  plot::Image img{64, 64, std::vector<uint8_t>(3 * 64 * 64, 255)};
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x) {
      uint8_t* p = &img.rgb[3 * (y * 64 + x)];
      p[0] = uint8_t(4 * x), p[1] = uint8_t(8 * y), p[2] = uint8_t(255 - 4 * x);
    }
  for (int x = 0; x < 64; ++x)
    img.rgb[3 * (40 * 64 + x)] = img.rgb[3 * (40 * 64 + x) + 1] = img.rgb[3 * (40 * 64 + x) + 2] = 0;
  const gif_test::Decoded d = gif_test::decode(plot::encode_gif({img}, {10}, false));
  ASSERT_EQ(d.frames.size(), 1u);
  for (int ch = 0; ch < 3; ++ch) {
    EXPECT_EQ(d.frames[0].rgb[3 * (50 * 64 + 5) + ch], 255);  // white stays 255, not 252
    EXPECT_EQ(d.frames[0].rgb[3 * (40 * 64 + 5) + ch], 0);
  }
}

TEST(Gif, BadInputThrows) {
  plot::Animation anim;
  EXPECT_THROW(anim.save("/tmp/never.gif"), fluxion::Error);
  plot::Figure a(3, 2, 50), b(4, 2, 50);
  anim.add(a);
  EXPECT_THROW(anim.add(b), fluxion::Error);
  EXPECT_THROW(plot::encode_gif({}, {}, true), fluxion::Error);
}
