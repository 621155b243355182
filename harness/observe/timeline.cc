#include "harness/observe/timeline.h"

#include "netns/error.h"

namespace viplab {

void Timeline::Add(TimelineEvent event) {
  {
    std::lock_guard lock(mutex_);
    Apply(event);
    events_.push_back(std::move(event));
  }
  changed_.notify_all();
}

void Timeline::Add(std::string node, std::string kind, std::string detail, TimePoint time) {
  Add(TimelineEvent{time, std::move(node), std::move(kind), std::move(detail), ""});
}

void Timeline::Apply(const TimelineEvent& e) {
  if (ownership_.Apply(e.kind, e.node, e.detail)) {
    for (const std::string& owner : ownership_.owners()) {
      if (!state_.vip_owners.count(owner)) state_.owner_since[owner] = e.time;
    }
    for (const std::string& owner : state_.vip_owners) {
      if (!ownership_.owners().count(owner)) state_.owner_since.erase(owner);
    }
    state_.vip_owners = ownership_.owners();
    state_.stale_vips = ownership_.stale();
  } else if (e.kind == event_kind::kState) {
    if (state_.vrrp_state[e.node] != e.detail) state_.vrrp_state_since[e.node] = e.time;
    state_.vrrp_state[e.node] = e.detail;
  } else if (e.kind == event_kind::kClient) {
    static constexpr std::string_view kServed = "served by ";
    if (e.detail.rfind(kServed, 0) == 0) {
      std::string node = e.detail.substr(kServed.size());
      if (state_.client_served_by != node) state_.client_served_since = e.time;
      state_.client_served_by = std::move(node);
    } else {
      state_.client_served_by.reset();
      state_.client_served_since.reset();
    }
  }
}

bool Timeline::WaitUntil(const Condition& condition, TimePoint deadline, const Recheck& recheck) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (state_.interrupted) throw Interrupted();
    if (!failure_.empty()) return false;
    const TimePoint now = Now();
    if (condition(state_, now)) return true;
    if (now >= deadline) return false;
    TimePoint wake = deadline;
    if (recheck) {
      if (auto at = recheck(state_); at && *at > now && *at < wake) wake = *at;
    }
    changed_.wait_until(lock, wake);
  }
}

void Timeline::Interrupt() {
  {
    std::lock_guard lock(mutex_);
    state_.interrupted = true;
  }
  changed_.notify_all();
}

void Timeline::Fail(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return;
    failure_ = reason.empty() ? "a worker of the run failed" : std::move(reason);
  }
  changed_.notify_all();
}

std::string Timeline::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

LabState Timeline::State() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::vector<TimelineEvent> Timeline::Events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace viplab
