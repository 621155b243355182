// The one clock of viplab. std::chrono::steady_clock is CLOCK_MONOTONIC on Linux/libstdc++; every
// event, fault and probe sample is stamped with it so durations between them are meaningful.
#pragma once

#include <chrono>

namespace viplab {

using MonoClock = std::chrono::steady_clock;
using TimePoint = MonoClock::time_point;
using Millis = std::chrono::duration<double, std::milli>;

inline TimePoint Now() noexcept { return MonoClock::now(); }

// Milliseconds from `from` to `to` as a double (negative when `to` is earlier).
inline double MillisBetween(TimePoint from, TimePoint to) noexcept {
  return std::chrono::duration_cast<Millis>(to - from).count();
}

}  // namespace viplab
