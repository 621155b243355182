// keepalived's notify_fifo: keepalived writes one line per state change, e.g.
//   INSTANCE "VI_1" MASTER 101
// NotifyFifo creates the fifo and reads it through an EventLoop, stamping each line with
// CLOCK_MONOTONIC on receipt. It opens the fifo O_RDWR so keepalived restarting (closing and
// reopening its end) never produces EOF.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "netns/clock.h"
#include "netns/unique_fd.h"

namespace viplab {

class EventLoop;

struct VrrpNotification {
  std::string type;   // INSTANCE or GROUP
  std::string name;   // instance name without quotes
  std::string state;  // MASTER, BACKUP, FAULT, STOP, DELETED; 2.2.7 also writes events such as
                      // MASTER_RX_LOWER_PRI, MASTER_PRIORITY and BACKUP_PRIORITY
  int priority = -1;  // -1 when the line had none (2.2.7 always writes one, GROUP lines too)
};

// Parses one fifo line (without the newline); nullopt if it is not a notification.
std::optional<VrrpNotification> ParseNotifyLine(std::string_view line);

class NotifyFifo {
 public:
  using Handler = std::function<void(const VrrpNotification&, TimePoint)>;

  // mkfifo at `path` (replacing a stale one) and open it; handler runs on the loop thread.
  NotifyFifo(std::filesystem::path path, EventLoop& loop, Handler handler);
  // Unregisters; leaves the fifo file to the lab directory cleanup. Once it returns the handler
  // is not running and never runs again (it waits for a running handler; it may also be called
  // from inside the handler). So do not destroy a NotifyFifo while holding a lock the handler
  // takes.
  ~NotifyFifo();
  NotifyFifo(const NotifyFifo&) = delete;
  NotifyFifo& operator=(const NotifyFifo&) = delete;

 private:
  struct Guard;  // shared with the loop callback: outlives this object while a callback runs
  void OnReadable();
  std::filesystem::path path_;
  EventLoop& loop_;
  Handler handler_;
  UniqueFd fd_;
  std::string buffer_;
  std::shared_ptr<Guard> guard_;
};

}  // namespace viplab
