#include "harness/vrrp_timing.h"

#include <algorithm>
#include <cmath>

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
  return std::clamp(static_cast<double>(std::lround(check.interval * 500)), 50.0, 500.0);
}

}  // namespace viplab
