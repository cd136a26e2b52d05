// SPDX-License-Identifier: MIT
// util::ProgressBar: the rendered line, and silence when disabled (as when
// stderr is not a terminal).
#include <gtest/gtest.h>

#include "tensor/util/progress_bar.h"

using fluxion::util::ProgressBar;

TEST(ProgressBar, RendersCountBarMetricsRateAndEta) {
  ProgressBar bar(100, {.label = "epoch", .width = 10, .enabled = false});
  EXPECT_EQ(bar.render(50, 10.0, {{"loss", 0.5}, {"acc%", 97.25}}),
            "epoch 50/100 [#####.....]  50%  loss 0.5  acc% 97.25  5.00 it/s  ETA 10s");
  EXPECT_EQ(bar.render(100, 2.0), "epoch 100/100 [##########] 100%  50 it/s");
  EXPECT_EQ(bar.render(1, 200.0), "epoch 1/100 [..........]   1%  0.01 it/s  ETA 5h30m");
  EXPECT_EQ(bar.render(0, 0.0), "epoch 0/100 [..........]   0%");
}

TEST(ProgressBar, DisabledWritesNothing) {
  testing::internal::CaptureStderr();
  {
    ProgressBar bar(3, {.enabled = false});
    for (int i = 1; i <= 3; ++i) bar.update(i, {{"loss", 1.0 / i}});
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(ProgressBar, EnabledDrawsOneLineAndEndsIt) {
  testing::internal::CaptureStderr();
  {
    ProgressBar bar(2, {.width = 4, .enabled = true});
    bar.update(2);
  }
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.substr(0, 21), "\rstep 2/2 [####] 100%");
  EXPECT_EQ(out.back(), '\n');
}
