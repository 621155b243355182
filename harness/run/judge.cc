#include "harness/run/judge.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace viplab {
namespace {

std::string FormatMs(const std::optional<double>& ms) {
  return ms ? fmt::format("{:.1f} ms", *ms) : std::string("none");
}

std::string FormatBound(const Bound& b) {
  return fmt::format("[{}, {}] ms", b.min ? fmt::format("{:g}", *b.min) : "-",
                     b.max ? fmt::format("{:g}", *b.max) : "-");
}

// Records one check in `v`. `outcome`: the check tests what the fault did (all but owner_before).
void Check(Verdict& v, bool ok, std::string what, bool outcome = true) {
  if (outcome) ++v.outcome_checks;
  v.checks.push_back(what);
  if (!ok) {
    v.passed = false;
    v.failures.push_back(std::move(what));
  }
}

// `value` within `bound` (a missing value never is).
bool Within(const Bound& bound, const std::optional<double>& value) {
  bool ok = value.has_value();
  if (ok && bound.min) ok = *value >= *bound.min;
  if (ok && bound.max) ok = *value <= *bound.max;
  return ok;
}

std::string OwnersText(const std::vector<std::string>& owners) {
  return owners.empty() ? "none" : fmt::format("{}", fmt::join(owners, "+"));
}

// One expect.vips entry against its VIP's measurement.
void JudgeVip(const VipExpectation& e, const VipMeasurement& m, Verdict& v) {
  const std::string name = fmt::format("vips[{}]", e.vip);
  if (e.owner_before) {
    Check(v, *e.owner_before == m.owner_before,
          fmt::format("{}.owner_before: expected {}, measured {}", name, *e.owner_before,
                      m.owner_before.empty() ? "none" : m.owner_before),
          false);
  }
  if (e.owner_after) {
    const std::string measured = OwnersText(m.owners_after);
    Check(v, *e.owner_after == measured,
          fmt::format("{}.owner_after: expected {}, measured {}", name, *e.owner_after, measured));
  }
  if (e.vip_moved) {
    Check(v, *e.vip_moved == m.vip_moved,
          fmt::format("{}.vip_moved: expected {}, measured {}", name, *e.vip_moved, m.vip_moved));
  }
  auto bounded = [&](const char* field, const std::optional<Bound>& bound,
                     const std::optional<double>& value) {
    if (!bound) return;
    Check(v, Within(*bound, value),
          fmt::format("{}.{}: expected {}, measured {}", name, field, FormatBound(*bound),
                      FormatMs(value)));
  };
  bounded("failover_ms", e.failover_ms, m.failover_ms);
  bounded("release_ms", e.release_ms, m.release_ms);
  bounded("outage_ms", e.outage_ms, m.outage_ms);
}

void JudgeVips(const std::vector<VipExpectation>& expected, const Measurement& m, Verdict& v) {
  for (const VipExpectation& e : expected) {
    auto it = std::find_if(m.vips.begin(), m.vips.end(),
                           [&](const VipMeasurement& vm) { return vm.vip == e.vip; });
    if (it != m.vips.end()) {
      JudgeVip(e, *it, v);
      continue;
    }
    std::string what = fmt::format("vips[{}]: no measurement of this VIP", e.vip);
    v.passed = false;
    v.checks.push_back(what);
    v.failures.push_back(what);
    v.errors.push_back(std::move(what));
  }
}

}  // namespace

Verdict Judge(const Expectation& expect, const Measurement& m) {
  Verdict v;
  auto check = [&](bool ok, std::string what, bool outcome = true) {
    Check(v, ok, std::move(what), outcome);
  };
  if (expect.owner_before) {
    check(
        *expect.owner_before == m.owner_before,
        fmt::format("owner_before: expected {}, measured {}", *expect.owner_before, m.owner_before),
        false);
  }
  if (expect.owner_after) {
    const std::string measured =
        m.owners_after.empty() ? "none" : fmt::format("{}", fmt::join(m.owners_after, "+"));
    check(*expect.owner_after == measured,
          fmt::format("owner_after: expected {}, measured {}", *expect.owner_after, measured));
  }
  if (expect.split_brain) {
    check(*expect.split_brain == m.split_brain,
          fmt::format("split_brain: expected {}, measured {} (split brain {:.0f} ms, handover "
                      "overlap {:.0f} ms; tolerance {:g} ms)",
                      *expect.split_brain, m.split_brain, m.split_brain_ms, m.handover_overlap_ms,
                      m.split_brain_tolerance_ms));
  }
  if (expect.vip_moved) {
    check(*expect.vip_moved == m.vip_moved,
          fmt::format("vip_moved: expected {}, measured {}", *expect.vip_moved, m.vip_moved));
  }
  auto bounded = [&](const char* name, const std::optional<Bound>& bound,
                     const std::optional<double>& value) {
    if (!bound) return;
    check(Within(*bound, value),
          fmt::format("{}: expected {}, measured {}", name, FormatBound(*bound), FormatMs(value)));
  };
  bounded("failover_ms", expect.failover_ms, m.failover_ms);
  bounded("release_ms", expect.release_ms, m.release_ms);
  bounded("outage_ms", expect.outage_ms, m.outage_ms);
  JudgeVips(expect.vips, m, v);
  return v;
}

}  // namespace viplab
