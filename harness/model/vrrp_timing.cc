#include "harness/model/vrrp_timing.h"

#include <algorithm>
#include <cmath>

#include "harness/model/lab_tolerances.h"

namespace viplab {

double SkewMs(int priority, double advert_s, int version) {
  const double skew_s =
      version == 2 ? (256.0 - priority) / 256.0 : (256.0 - priority) * advert_s / 256.0;
  return skew_s * 1000.0;
}

double MasterDownMs(int priority, double advert_s, int version, int down_adverts) {
  return down_adverts * advert_s * 1000.0 + SkewMs(priority, advert_s, version);
}

int EffectivePriority(const NodeSpec& node, bool check_ok) {
  if (node.priority == 255) return 255;
  int priority = node.priority;
  const int weight = node.check.type == CheckType::kNone ? 0 : node.check.weight;
  if (weight > 0 && check_ok) priority += weight;
  if (weight < 0 && !check_ok) priority += weight;
  return std::clamp(priority, 1, 254);
}

double CheckDetectionMaxMs(const CheckSpec& check) {
  switch (check.type) {
    case CheckType::kScript:
      return check.interval * check.fall * 1000.0;
    case CheckType::kProcess:
    case CheckType::kNone:
      return 0;
  }
  return 0;
}

double CheckDetectionMinMs(const CheckSpec& check) {
  return check.type == CheckType::kScript ? (check.fall - 1) * check.interval * 1000.0 : 0;
}

double ScriptProbeTimeoutMs(const CheckSpec& check) {
  return std::clamp(static_cast<double>(std::lround(check.interval * 500)), 50.0,
                    kLabTolerances.probe_timeout_max_ms);
}

bool EffectiveNopreempt(const NodeSpec& node) {
  return node.nopreempt && node.priority != 255 && node.state != "MASTER";
}

double EffectivePreemptDelayMs(const NodeSpec& node) {
  if (node.state == "MASTER" || EffectiveNopreempt(node)) return 0;
  return node.preempt_delay.value_or(0) * 1000.0;
}

double MaxAdvertMs(const Scenario& s) {
  double advert = 0;
  for (const NodeSpec& n : s.nodes) advert = std::max(advert, n.advert_int * 1000);
  return advert;
}

double LargestMasterDownMs(const Scenario& s) {
  double mdi = 0;
  for (const NodeSpec& n : s.nodes) {
    mdi = std::max(mdi, MasterDownMs(EffectivePriority(n, false), n.advert_int, s.vrrp_version));
  }
  return mdi;
}

double ObservationWindowMs(const Scenario& s, double predicted_max_ms) {
  double detection = 0;
  double delay = 0;
  for (const NodeSpec& n : s.nodes) {
    // A failing script run can take up to its probe timeout on top.
    const double extra =
        n.check.type == CheckType::kScript ? kLabTolerances.probe_timeout_max_ms : 0;
    detection = std::max(detection, CheckDetectionMaxMs(n.check) + extra);
    delay = std::max(delay, EffectivePreemptDelayMs(n));
  }
  double window = detection + delay + 2 * LargestMasterDownMs(s) + MaxAdvertMs(s) + 1000;
  if (s.expect.failover_ms && s.expect.failover_ms->max) {
    window = std::max(window, *s.expect.failover_ms->max + 1000);
  }
  return std::max(window, predicted_max_ms + MaxAdvertMs(s));
}

double ProtocolFloorMs(const Scenario& s, double observed_ms) {
  // The first node starts alone in BACKUP and becomes MASTER when its down timer runs out; the
  // lab is ready one advert later (two when other nodes must settle as BACKUP).
  const NodeSpec& first = s.nodes.front();
  const double election =
      MasterDownMs(EffectivePriority(first, true), first.advert_int, s.vrrp_version);
  const double settle = (s.nodes.size() > 1 ? 2 : 1) * MaxAdvertMs(s);
  return election + settle + observed_ms;
}

double BackupSettleMs(const Scenario& s, const NodeSpec& n, const std::string& owner) {
  const NodeSpec* owner_spec = s.FindNode(owner);
  const int mine = EffectivePriority(n, true);
  if (owner_spec && !EffectiveNopreempt(n) && mine > EffectivePriority(*owner_spec, true)) {
    return MasterDownMs(mine, n.advert_int, s.vrrp_version) + EffectivePreemptDelayMs(n) +
           MaxAdvertMs(s);
  }
  return MaxAdvertMs(s);
}

}  // namespace viplab
